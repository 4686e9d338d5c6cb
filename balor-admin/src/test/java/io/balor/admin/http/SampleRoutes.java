package io.balor.admin.http;

import io.balor.admin.auth.Role;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A small admin API in the shape of Balor's, for the server tests; counts handler calls. */
final class SampleRoutes {

    final AtomicInteger calls = new AtomicInteger();

    List<Endpoint> routes() {
        return List.of(
                Endpoint.get("/api/health", Access.PUBLIC, r -> count(ApiResponse.ok(Map.of("status", "ok")))),
                Endpoint.get("/api/whoami", Access.PUBLIC, r -> count(ApiResponse.ok(Map.of("username",
                        r.principal() == null ? "anonymous" : r.principal().username())))),
                Endpoint.get("/api/listeners", Access.atLeast(Role.VIEWER), r -> count(ApiResponse.ok(List.of()))),
                Endpoint.get("/api/listeners/{id}", Access.atLeast(Role.VIEWER),
                        r -> count(ApiResponse.ok(Map.of("id", r.pathParam("id"))))),
                Endpoint.get("/api/listeners/new", Access.atLeast(Role.VIEWER),
                        r -> count(ApiResponse.ok(Map.of("template", true)))),
                Endpoint.post("/api/listeners", Access.atLeast(Role.OPERATOR), this::createListener),
                Endpoint.delete("/api/listeners/{id}", Access.atLeast(Role.OPERATOR),
                        r -> count(ApiResponse.noContent().withAuditDetail("listener " + r.pathParam("id") + " deleted"))),
                Endpoint.get("/api/users/{name}", Access.adminOrSelf("name"),
                        r -> count(ApiResponse.ok(Map.of("name", r.pathParam("name"))))),
                Endpoint.get("/api/secrets", Access.atLeast(Role.ADMIN),
                        r -> count(ApiResponse.ok(Map.of("secret", "s")).withAuditDetail("read the secrets"))),
                Endpoint.put("/api/settings", Access.atLeast(Role.OPERATOR), r -> count(ApiResponse.ok(r.json())
                        .withAuditDetail("settings").withAuditChange(
                                Json.MAPPER.createObjectNode().put("a", 1).put("password", "old-pw"), r.json()))),
                Endpoint.get("/api/logs/files/{name}", Access.atLeast(Role.VIEWER), r -> count(ApiResponse.download(
                        "text/plain; charset=utf-8", r.pathParam("name"), ("log " + r.pathParam("name"))
                                .getBytes(StandardCharsets.UTF_8)))),
                Endpoint.put("/api/certificates/{name}", Access.atLeast(Role.ADMIN), r -> count(ApiResponse.ok(
                        Map.of("bytes", r.body().length)))).withAccepts("application/x-pem-file"),
                Endpoint.put("/api/certificates/{name}/json", Access.atLeast(Role.ADMIN),
                        r -> count(ApiResponse.ok(r.json()))).withAccepts("application/x-pem-file", "application/json"),
                Endpoint.get("/api/metrics", Access.PUBLIC, r -> count(ApiResponse.text(200,
                        "text/plain; version=0.0.4; charset=utf-8", "balor_up 1\n"))),
                Endpoint.get("/api/search", Access.PUBLIC, r -> count(ApiResponse.ok(Map.of(
                        "q", String.valueOf(r.query("q")), "limit", r.queryInt("limit", 10, 1, 100))))),
                Endpoint.get("/api/boom", Access.PUBLIC, r -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("secret-detail-xyz");
                }),
                Endpoint.get("/api/null", Access.PUBLIC, r -> null),
                Endpoint.post("/api/slow-down", Access.PUBLIC, r -> {
                    throw ApiException.tooManyRequests(7);
                }),
                Endpoint.post("/api/echo", Access.PUBLIC, r -> count(ApiResponse.ok(r.json()))));
    }

    private ApiResponse count(ApiResponse response) {
        calls.incrementAndGet();
        return response;
    }

    /** {"name": text (required), "port": int (required), "weight": int?, "tls": {"cert_file": text}?}. */
    private ApiResponse createListener(ApiRequest request) {
        calls.incrementAndGet();
        JsonFields body = request.rejectUnknownKeys("name", "port", "weight", "tls");
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("name", body.requireText("name"));
        created.put("port", body.requireInt("port"));
        created.put("weight", body.optionalInt("weight", 1));
        JsonFields tls = body.optionalObject("tls");
        if (tls != null) {
            created.put("cert_file", tls.rejectUnknownKeys("cert_file").requireText("cert_file"));
        }
        return ApiResponse.created(created).withAuditDetail("listener " + created.get("name") + " created");
    }
}
