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

/** A request that finds every worker busy is answered with a quick 503, never queued behind them. */
class ApiOverloadTest {

    @Test
    void aRequestBeyondTheQueueGets503WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Endpoint> routes = List.of(
                Endpoint.get("/api/slow", Access.PUBLIC, r -> {
                    entered.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ApiResponse.ok(Map.of("done", true));
                }),
                Endpoint.post("/api/fast", Access.PUBLIC, r -> ApiResponse.noContent()));
        try (ApiTestServer api = new ApiTestServer(routes, o -> o.withThreads(1))) {
            CompletableFuture<HttpResponse<String>> first = api.client.sendAsync(
                    api.request("/api/slow", null).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the one worker is busy");
            assertEquals(1, api.server.busyWorkers());

            long start = System.nanoTime();
            HttpResponse<String> second = api.sendJson("POST", "/api/fast", null, "{}");
            assertEquals(503, second.statusCode(), "not queued behind the slow one");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("server busy", Json.MAPPER.readTree(second.body()).get("error").asText());
            assertEquals("no-store", second.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals(503, api.auditRecords().get(0).status(), "a shed change is audited too");

            release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(204, api.sendJson("POST", "/api/fast", null, "{}").statusCode(), "served again");
        } finally {
            release.countDown();
        }
    }
}
