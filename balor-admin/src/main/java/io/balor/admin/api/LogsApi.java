package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.AccessLogOptions;
import io.balor.LogEvent;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code /api/logging} (the access log's sampling in permyriad, kept in the state file's
 * {@code trace_sample}; admins change it, 1..10000, anything else refused), {@code /api/logs}
 * (Balor's recent events, filtered by level, and the recent access-log records: each list the
 * newest {@code limit}, in time order, newest last, as core keeps them) and
 * {@code /api/logs/files} (the log directory's {@code access.log}, {@code events.log},
 * {@code audit.log} and {@code audit-anonymous.log} (these two for admins only: they hold who did
 * what and the names failed logins tried; an admin's download is audited) and their rotated files,
 * downloaded whole as JSON lines; a name is only ever one of the listed files, so no path can
 * leave the directory). Runs on the API server's worker threads.
 */
final class LogsApi {

    /** The state file's key for the sampling, as the original Balor named it. */
    static final String TRACE_SAMPLE = "trace_sample";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminContext context;

    LogsApi(AdminContext context) {
        this.context = context;
    }

    List<Endpoint> routes() {
        Access viewer = Access.atLeast(Role.VIEWER);
        return List.of(
                Endpoint.get("/api/logging", viewer, request -> ApiResponse.ok(logging(context.store().current()))),
                Endpoint.put("/api/logging", Access.atLeast(Role.ADMIN), this::setLogging),
                Endpoint.get("/api/logs", viewer, this::logs),
                Endpoint.get("/api/logs/files", viewer, request -> ApiResponse.ok(files(request))),
                Endpoint.get("/api/logs/files/{name}", viewer, this::download));
    }

    /** The sampling the state file holds (every exchange when it holds none). */
    static int sampling(BalorState state) {
        JsonNode value = state.extras().get(TRACE_SAMPLE);
        return value != null && value.canConvertToInt() ? AccessLogOptions.clamp(value.intValue()) : 10_000;
    }

    private ObjectNode logging(BalorState state) {
        return NODES.objectNode().put(TRACE_SAMPLE, sampling(state)).put("min", 1).put("max", 10_000)
                .put("dropped", context.balor().accessLogDropped());
    }

    private ApiResponse setLogging(ApiRequest request) {
        int value = request.rejectUnknownKeys(TRACE_SAMPLE).requireInt(TRACE_SAMPLE);
        if (value < 1 || value > 10_000) {
            throw ApiException.badRequest(TRACE_SAMPLE, TRACE_SAMPLE + " must be 1 to 10000 (exchanges per 10,000 the"
                    + " access log keeps), was " + value, "1 keeps one exchange in 10,000; 10000 keeps every one");
        }
        AdminContext.Changed changed = context.changed(state -> state.withExtra(TRACE_SAMPLE, NODES.numberNode(value)));
        try {
            context.balor().accessLogSampling(value);
        } catch (IllegalStateException e) {
            // Balor runs without an access log: the setting is kept for when it has one.
        }
        return ApiResponse.ok(logging(changed.after())).withAuditDetail("trace_sample " + value)
                .withAuditChange(NODES.objectNode().put(TRACE_SAMPLE, sampling(changed.before())),
                        NODES.objectNode().put(TRACE_SAMPLE, value));
    }

    private ApiResponse logs(ApiRequest request) {
        int limit = request.queryInt("limit", 200, 1, 10_000);
        String levelText = request.query("level");
        System.Logger.Level level = level(levelText == null ? "info" : levelText);
        ObjectNode answer = NODES.objectNode();
        ArrayNode events = answer.putArray("events");
        for (LogEvent event : context.balor().recentEvents(limit, level)) {
            events.addObject().put("sequence", event.sequence()).put("time", event.time().toString())
                    .put("level", event.level().getName().toLowerCase(Locale.ROOT)).put("source", event.source())
                    .put("message", event.message());
        }
        ArrayNode access = answer.putArray("access");
        if (level.getSeverity() <= System.Logger.Level.INFO.getSeverity()) {
            for (String line : context.balor().recentAccessLog(limit)) {
                try {
                    access.add(JSON.readTree(line));
                } catch (IOException e) {
                    access.add(line);
                }
            }
        }
        return ApiResponse.ok(answer);
    }

    private static System.Logger.Level level(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "all", "trace" -> System.Logger.Level.ALL;
            case "debug" -> System.Logger.Level.DEBUG;
            case "info" -> System.Logger.Level.INFO;
            case "warning", "warn" -> System.Logger.Level.WARNING;
            case "error" -> System.Logger.Level.ERROR;
            default -> throw ApiException.badRequest("level", "level must be debug, info, warning or error, was '"
                    + text + "'", "");
        };
    }

    private ArrayNode files(ApiRequest request) {
        ArrayNode list = NODES.arrayNode();
        for (Path file : logFiles()) {
            if (isAudit(file.getFileName().toString()) && request.principal().role() != Role.ADMIN) {
                continue;
            }
            try {
                list.addObject().put("name", file.getFileName().toString()).put("size", Files.size(file))
                        .put("modified", Files.getLastModifiedTime(file).toInstant().toString());
            } catch (IOException e) {
                // rotated away meanwhile
            }
        }
        return list;
    }

    private ApiResponse download(ApiRequest request) {
        String name = request.pathParam("name");
        if (isAudit(name) && request.principal().role() != Role.ADMIN) {
            // Who did what, and the names failed logins tried: as the users, an admin's to read.
            throw ApiException.forbidden("the audit logs are for admins", "ask an admin");
        }
        for (Path file : logFiles()) {
            if (file.getFileName().toString().equals(name)) {
                ApiResponse response = ApiResponse.file("application/x-ndjson", name, file);   // streamed: up to 64 MiB
                return isAudit(name) ? response.withAuditDetail("downloaded " + name) : response;
            }
        }
        throw ApiException.notFound("no log file '" + name + "'", "GET /api/logs/files lists them");
    }

    private static boolean isAudit(String name) {
        return name.startsWith("audit");
    }

    /**
     * The regular files directly in the log directory whose names are log names, sorted. A symbolic
     * link is not one, even with a log's name: it could point anywhere.
     */
    private List<Path> logFiles() {
        Path dir = context.logDir();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                    .filter(file -> file.getFileName().toString()
                            .matches("(access|events|audit|audit-anonymous)\\.log(\\.[0-9]+)?"))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
