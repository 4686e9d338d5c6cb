package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Cloudflare's API v4 on 127.0.0.1 (port 0) that speaks its wire format: the
 * {@code {"success", "errors": [{"code", "message"}], "messages", "result"}} envelope, the
 * status codes and error codes Cloudflare documents (10000 for a bad token, 7003 for an unknown
 * zone, 81058 for an identical record, 81044 for a missing one), and checks the bearer token on
 * every call. Holds zones and TXT records; the server's one thread touches them, tests read them
 * after the calls returned.
 */
final class FakeCloudflare implements AutoCloseable {

    static final String TOKEN = "cf-test-token-7f3a9c";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A DNS record as Cloudflare holds it. */
    record Record(String id, String zoneId, String type, String name, String content, int ttl) {
    }

    final Map<String, String> zones = new ConcurrentHashMap<>();        // name -> id
    final List<Record> records = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeCloudflare() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/client/v4/", this::handle);
        server.start();
    }

    /** What {@code api_base} is for this fake. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath().substring("/client/v4".length());
            Map<String, String> query = QueryParams.parse(exchange.getRequestURI().getRawQuery());
            calls.add(method + " " + path + (query.isEmpty() ? "" : " " + query));
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                fail(exchange, 403, 10000, "Authentication error");
                return;
            }
            String[] parts = path.split("/");      // "", "zones", id, "dns_records", record id
            if (method.equals("GET") && path.equals("/zones")) {
                ArrayNode result = JSON.createArrayNode();
                zones.forEach((name, id) -> {
                    if (name.equals(query.get("name"))) {
                        result.addObject().put("id", id).put("name", name).put("status", "active");
                    }
                });
                ok(exchange, 200, result);
                return;
            }
            if (parts.length < 4 || !parts[1].equals("zones") || !parts[3].equals("dns_records")) {
                fail(exchange, 400, 7000, "No route for that URI");
                return;
            }
            String zoneId = parts[2];
            if (!zones.containsValue(zoneId)) {
                fail(exchange, 404, 7003, "Could not route to /zones/" + zoneId
                        + "/dns_records, perhaps your object identifier is invalid?");
                return;
            }
            if (method.equals("POST") && parts.length == 4) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                Record record = new Record(UUID.randomUUID().toString().replace("-", ""), zoneId,
                        body.path("type").asText(), body.path("name").asText(), body.path("content").asText(),
                        body.path("ttl").asInt(1));
                for (Record existing : records) {
                    if (existing.name().equals(record.name()) && existing.content().equals(record.content())) {
                        fail(exchange, 400, 81058, "An identical record already exists.");
                        return;
                    }
                }
                records.add(record);
                ok(exchange, 200, node(record));
            } else if (method.equals("GET") && parts.length == 4) {
                ArrayNode result = JSON.createArrayNode();
                for (Record record : records) {
                    if (record.zoneId().equals(zoneId) && matches(query.get("type"), record.type())
                            && matches(query.get("name"), record.name()) && matches(query.get("content"), record.content())) {
                        result.add(node(record));
                    }
                }
                ok(exchange, 200, result);
            } else if (method.equals("DELETE") && parts.length == 5) {
                boolean removed = records.removeIf(record -> record.id().equals(parts[4]));
                if (removed) {
                    ok(exchange, 200, JSON.createObjectNode().put("id", parts[4]));
                } else {
                    fail(exchange, 404, 81044, "Record does not exist.");
                }
            } else {
                fail(exchange, 405, 10000, "Method not allowed");
            }
        }
    }

    private static boolean matches(String filter, String value) {
        return filter == null || filter.equals(value);
    }

    private static ObjectNode node(Record record) {
        return JSON.createObjectNode().put("id", record.id()).put("zone_id", record.zoneId())
                .put("type", record.type()).put("name", record.name()).put("content", record.content())
                .put("ttl", record.ttl()).put("proxied", false);
    }

    private static void ok(HttpExchange exchange, int status, JsonNode result) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        body.set("result", result);
        send(exchange, status, body);
    }

    private static void fail(HttpExchange exchange, int status, int code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("success", false);
        body.putArray("errors").addObject().put("code", code).put("message", message);
        body.putArray("messages");
        body.putNull("result");
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }


    List<String> contents(String name) {
        List<String> contents = new ArrayList<>();
        for (Record record : records) {
            if (record.name().equals(name)) {
                contents.add(record.content());
            }
        }
        return contents;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
