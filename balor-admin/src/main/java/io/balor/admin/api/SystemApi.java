package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.ListenerStats;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.JsonFields;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.ConsoleSettings;
import io.balor.config.HostPort;

import java.util.List;

/**
 * {@code /api/health}, {@code /api/version} (public), {@code /api/stats}, {@code /metrics}
 * (public unless {@code BALOR_METRICS_AUTH}) and {@code /api/admin/console} (the console's bind
 * address and certificate, kept in the state file's {@code admin_console}; they take effect at
 * the next start, which the answer says). Runs on the API server's worker threads.
 */
final class SystemApi {

    static final String CONSOLE = "admin_console";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final AdminContext context;
    private final long started;

    SystemApi(AdminContext context) {
        this.context = context;
        this.started = context.clock().millis();
    }

    List<Endpoint> routes() {
        Access viewer = Access.atLeast(Role.VIEWER);
        return List.of(
                Endpoint.get("/api/health", Access.PUBLIC, request -> health(context.balor().loopHealth())),
                Endpoint.get("/api/version", Access.PUBLIC, request -> ApiResponse.ok(NODES.objectNode()
                        .put("api_version", AdminContext.API_VERSION).put("ui_version", AdminContext.API_VERSION)
                        .put("build", context.build()))),
                Endpoint.get("/api/stats", viewer, request -> ApiResponse.ok(stats())),
                Endpoint.get("/metrics", context.metricsAuth() ? viewer : Access.PUBLIC,
                        request -> ApiResponse.text(200, PROMETHEUS, metrics())),
                Endpoint.get("/api/admin/console", viewer, request -> ApiResponse.ok(console(context.store().current()))),
                Endpoint.put("/api/admin/console", Access.atLeast(Role.ADMIN), this::setConsole));
    }

    /** The running Balor's metrics, then {@link CertificateExpiry}'s gauge. */
    private String metrics() {
        return context.balor().metrics() + CertificateExpiry.text(context.store().current(),
                context.balor().certificates(), context.acme() == null ? java.util.Map.of() : context.acme().statuses(),
                context.clock().instant());
    }

    /**
     * 200 {@code {"status":"ok","loops":[...]}} while every event loop runs; 503 with
     * {@code "status":"unhealthy"} and {@code problems} naming each stalled or dead loop
     * otherwise, so a liveness probe restarts a process whose loop died. Public and cheap: it
     * reads a few fields per loop and never waits for one.
     */
    static ApiResponse health(List<io.balor.LoopHealth> loops) {
        ObjectNode node = NODES.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode problems = NODES.arrayNode();
        com.fasterxml.jackson.databind.node.ArrayNode each = NODES.arrayNode();
        for (io.balor.LoopHealth loop : loops) {
            each.addObject().put("loop", loop.thread()).put("state", loop.state())
                    .put("since_turn_ms", loop.sinceTurnMillis()).put("problem", loop.problem());
            if (!loop.ok() && !io.balor.LoopHealth.STOPPED.equals(loop.state())) {
                problems.add("event loop " + loop.thread() + " " + loop.problem());
            }
        }
        node.put("status", problems.isEmpty() ? "ok" : "unhealthy");
        if (!problems.isEmpty()) {
            node.set("problems", problems);
        }
        node.set("loops", each);
        return ApiResponse.json(problems.isEmpty() ? 200 : 503, node);
    }

    private ObjectNode stats() {
        BalorState state = context.store().current();
        List<ListenerStats> running = context.balor().listenerStats();
        long accepted = 0;
        long active = 0;
        long limited = 0;
        long requests = 0;
        for (ListenerStats stats : running) {
            accepted += stats.accepted();
            active += stats.active();
            limited += stats.rateLimited();
            requests += stats.requests();
        }
        ObjectNode node = NODES.objectNode();
        node.put("listeners", state.config().listeners().size());
        node.put("listeners_enabled", state.config().listeners().stream().filter(l -> l.enabled()).count());
        node.put("runtimes", running.size());
        node.put("pools", state.config().pools().size());
        node.put("connections_active", active);
        node.put("connections_total", accepted);
        node.put("requests_total", requests);
        node.put("rate_limited_total", limited);
        node.put("generation", context.balor().generation());
        node.put("uptime_seconds", (context.clock().millis() - started) / 1000);
        com.fasterxml.jackson.databind.node.ArrayNode each = node.putArray("per_listener");
        for (ListenerStats stats : running) {
            each.addObject().put("name", stats.name()).put("address", stats.address()).put("accepted", stats.accepted())
                    .put("active", stats.active()).put("connect_failures", stats.connectFailures())
                    .put("unavailable", stats.unavailable()).put("retries", stats.retries())
                    .put("paused", stats.paused()).put("rate_limited", stats.rateLimited())
                    .put("requests", stats.requests());
        }
        return node;
    }

    private static ObjectNode console(BalorState state) {
        JsonNode saved = state.extras().get(CONSOLE);
        ObjectNode node = saved != null && saved.isObject() ? ((ObjectNode) saved).deepCopy() : NODES.objectNode();
        node.put("note", "changes take effect when Balor is restarted");
        return node;
    }

    private ApiResponse setConsole(ApiRequest request) {
        JsonFields body = request.rejectUnknownKeys("bind", "cert_file", "key_file");
        String bind = body.requireText("bind");
        String problem = ConsoleSettings.bindProblem(bind);
        if (problem != null) {
            throw ApiException.badRequest("bind", "bind " + problem, "host:port, such as 127.0.0.1:9443");
        }
        String cert = body.optionalText("cert_file");
        String key = body.optionalText("key_file");
        if (key != null && cert == null) {
            throw ApiException.badRequest("key_file", "a key_file needs a cert_file",
                    "give the certificate's cert_file too (without key_file, the key is read from cert_file)");
        }
        ObjectNode saved = ConsoleSettings.write(bind, cert, key);
        ConsoleSettings settings;
        try {
            // Read as the next start will read it: paths relative to the state file's directory.
            settings = ConsoleSettings.of(saved, context.store().file());
        } catch (io.balor.config.InvalidConfigException e) {
            throw ProblemAnswers.invalid(new io.balor.config.InvalidConfigException(e.problems().stream()
                    .map(p -> new io.balor.config.ConfigProblem(p.path().substring(CONSOLE.length() + 1), p.message()))
                    .toList()));
        }
        if (settings.tls()) {
            // Checked now, as the daemon will load it at the next start.
            io.balor.CertificateStatus status = io.balor.CertificateFiles.check(settings.certFile(), settings.keyFile());
            if (status.problem() != null) {
                throw ApiException.badRequest("cert_file", "the console certificate does not load: " + status.problem(),
                        "give a PEM certificate and its key (paths relative to the state file's directory)");
            }
        }
        AdminContext.Changed changed = context.changed(state -> state.withExtra(CONSOLE, saved));
        ObjectNode answer = console(changed.after());
        answer.put("restart_required", true);
        boolean loopback = ConsoleSettings.loopback(HostPort.parseListen(bind).value());
        if (cert == null && !loopback) {
            answer.put("warning", "without a certificate the console will be plain HTTP on a network address:"
                    + " passwords and tokens would cross the network in clear text");
        }
        return ApiResponse.ok(answer).withAuditDetail("console bind " + bind + (cert != null ? " tls" : ""))
                .withAuditChange(changed.before().extras().get(CONSOLE), saved);
    }
}
