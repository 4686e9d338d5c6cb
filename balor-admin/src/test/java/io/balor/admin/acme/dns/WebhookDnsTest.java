package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.balor.admin.acme.TxtRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WebhookDns}: its two calls as a recording webhook on 127.0.0.1 sees them, and end to end
 * through a small adapter onto pebble-challtestsrv's management API, with {@link TxtPropagation}
 * seeing the value in real DNS.
 */
class WebhookDnsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FQDN = "_acme-challenge.www.example.com.";

    /** One call the webhook received. */
    record Call(String method, String path, String authorization, String contentType, JsonNode body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer hook;

    @BeforeEach
    void start() throws IOException {
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", exchange -> {
            try (exchange) {
                calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        JSON.readTree(exchange.getRequestBody())));
                byte[] answer = ("{\"said\":\"status " + status.get() + "\"}").getBytes();
                exchange.sendResponseHeaders(status.get(), answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        hook.start();
    }

    @AfterEach
    void stop() {
        hook.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + hook.getAddress().getPort() + path;
    }

    private TxtRecords provider(String... fields) {
        ObjectNode entry = JSON.createObjectNode().put("name", "hook").put("provider", "generic")
                .put("api_base", url("/dns"));
        for (int i = 0; i < fields.length; i += 2) {
            entry.put(fields[i], fields[i + 1]);
        }
        return DnsProviders.of(entry, "acme_providers[0]", http);
    }

    @Test
    void postsToCreateAndSendsDeleteWithTheSameBodyToRemove() throws Exception {
        TxtRecords records = provider("api_token", "hook-token-42", "zone", "example.com");
        records.present(FQDN, "v1");
        records.cleanUp(FQDN, "v1");
        JsonNode body = JSON.readTree("{\"type\":\"TXT\",\"name\":\"_acme-challenge.www.example.com.\",\"value\":\"v1\","
                + "\"ttl\":60,\"zone\":\"example.com\"}");
        assertEquals(List.of(new Call("POST", "/dns", "Bearer hook-token-42", "application/json", body),
                new Call("DELETE", "/dns", "Bearer hook-token-42", "application/json", body)), calls);
    }

    @Test
    void removesThroughDeleteUrlWhenSetAndSendsNoTokenOrZoneWhenNoneIsSet() throws Exception {
        TxtRecords records = provider("delete_url", url("/dns/remove"), "txt_prefix", "_hook");
        records.present(FQDN, "v1");
        records.cleanUp(FQDN, "v1");
        assertEquals("POST", calls.get(1).method());
        assertEquals("/dns/remove", calls.get(1).path());
        assertNull(calls.get(0).authorization());
        assertTrue(calls.get(0).body().get("zone").isNull());
        assertEquals("_hook.www.example.com.", calls.get(0).body().get("name").asText());
    }

    @Test
    void aRefusalIsAnErrorWithItsStatusAndANotFoundRemovalIsNot() throws Exception {
        TxtRecords records = provider("api_token", "hook-token-42");
        status.set(404);
        records.cleanUp(FQDN, "v1");            // already gone
        status.set(500);
        DnsApiException refused = assertThrows(DnsApiException.class, () -> records.present(FQDN, "v1"));
        assertEquals(500, refused.status());
        assertTrue(refused.getMessage().contains("status 500"), refused.getMessage());
        assertFalse(refused.getMessage().contains("hook-token-42"), refused.getMessage());
    }

    @Test
    void endToEndThroughChallTestSrv(@TempDir Path dir) throws Exception {
        try (ChallTestSrv dns = new ChallTestSrv(dir)) {
            // The adapter: the webhook's shape onto challtestsrv's (set-txt {host, value}; clear-txt {host}).
            hook.removeContext("/");
            hook.createContext("/", exchange -> adapt(exchange, dns));
            TxtRecords records = provider();
            TxtPropagation propagation = new TxtPropagation(new TxtResolver(dns.dnsAddress(), Duration.ofSeconds(2)),
                    Clock.systemUTC(), Duration.ofMillis(20));
            records.present("_acme-challenge.e2e.test.", "token-value");
            propagation.awaitTxt("_acme-challenge.e2e.test.", "token-value", Instant.now().plusSeconds(10));
            records.cleanUp("_acme-challenge.e2e.test.", "token-value");
            assertEquals(List.of(), new TxtResolver(dns.dnsAddress(), Duration.ofSeconds(2)).lookup("_acme-challenge.e2e.test."));
        }
    }

    private static void adapt(HttpExchange exchange, ChallTestSrv dns) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            if (exchange.getRequestMethod().equals("POST")) {
                dns.setTxt(body.get("name").asText(), body.get("value").asText());
            } else {
                dns.clearTxt(body.get("name").asText());
            }
            exchange.sendResponseHeaders(204, -1);
        } catch (Exception e) {
            exchange.sendResponseHeaders(502, -1);
        }
    }
}
