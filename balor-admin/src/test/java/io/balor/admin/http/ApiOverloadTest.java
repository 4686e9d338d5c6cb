package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full worker queue is answered with a quick 503, not queued without bound. */
class ApiOverloadTest {

    @Test
    void aRequestBeyondTheQueueGets503WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Route> routes = List.of(
                Route.get("/api/slow", Access.PUBLIC, r -> {
                    entered.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ApiResponse.ok(Map.of("done", true));
                }),
                Route.post("/api/fast", Access.PUBLIC, r -> ApiResponse.noContent()));
        try (ApiTestServer api = new ApiTestServer(routes, o -> o.withThreads(1).withQueueCapacity(1))) {
            CompletableFuture<HttpResponse<String>> first = api.client.sendAsync(
                    api.request("/api/slow", null).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the one worker is busy");
            CompletableFuture<HttpResponse<String>> second = api.client.sendAsync(
                    api.request("/api/slow", null).GET().build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (api.server.queuedRequests() < 1) {
                assertTrue(System.nanoTime() < deadline, "the second request never queued");
                Thread.onSpinWait();
            }

            HttpResponse<String> third = api.sendJson("POST", "/api/fast", null, "{}");
            assertEquals(503, third.statusCode());
            assertEquals("1", third.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("server busy", Json.MAPPER.readTree(third.body()).get("error").asText());
            assertEquals("no-store", third.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals(503, api.auditRecords().get(0).status(), "a shed change is audited too");

            release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, second.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(204, api.sendJson("POST", "/api/fast", null, "{}").statusCode(), "served again");
        } finally {
            release.countDown();
        }
    }
}
