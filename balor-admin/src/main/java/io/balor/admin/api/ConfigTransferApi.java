package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.SecretHeaders;
import io.balor.admin.state.StateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/config/export} and {@code /api/config/import}: all listeners and pools at once, in
 * the state file's JSON shape. Runs on the API server's worker threads; stateless.
 * <ul>
 *   <li>{@code GET /api/config/export[?format=json|yaml]} (viewer): {@code {"listeners": [...],
 *       "pools": [...]}} as the state file holds them (none of the live keys a
 *       {@code GET /api/listeners} adds), credential health-check headers as
 *       {@value SecretHeaders#REDACTED} ({@link SecretHeaders}), as an attachment
 *       {@code balor-config.json}; or the same tree as YAML ({@link YamlText},
 *       {@code application/yaml}, {@code balor-config.yaml}).</li>
 *   <li>{@code POST /api/config/import[?dry_run=true]} (operator): a body of that shape (both keys
 *       required, no other) replaces every listener and pool in one change, recorded in the
 *       history as "imported N listeners and M pools". The whole set is checked before anything
 *       changes, by the state file's reader and {@link ConfigRules}, every problem named by its
 *       path in the body ({@code listeners[1].listen}, {@code pools[0].upstreams}): 400 invalid,
 *       403 a file only an admin may name, 409 valid but not applied (an address in use);
 *       nothing changed on any refusal. Answers {@code {"listeners": N, "pools": M, "version":
 *       ID}} ({@code version} null when the set equals the running one, so nothing changed); a
 *       dry run checks only and answers {@code {"valid": true, "listeners": N, "pools": M,
 *       "version": null}}. A credential header sent as {@value SecretHeaders#REDACTED} (an
 *       export imported back) keeps the value it has in the running pool of the same name; with
 *       none there, 400 naming it ({@code pools[0].health_check.headers.Authorization}).</li>
 * </ul>
 */
final class ConfigTransferApi {

    private static final List<String> KEYS = List.of("listeners", "pools");

    private final AdminContext context;
    private final ConfigChanges changes;

    ConfigTransferApi(AdminContext context, ConfigChanges changes) {
        this.context = context;
        this.changes = changes;
    }

    List<Endpoint> routes() {
        return List.of(
                Endpoint.get("/api/config/export", Access.atLeast(Role.VIEWER), this::export),
                Endpoint.post("/api/config/import", Access.atLeast(Role.OPERATOR), this::importAll));
    }

    private ApiResponse export(ApiRequest request) {
        String format = request.query("format");
        ObjectNode config = SecretHeaders.redact(changes.edits().listenersAndPools(context.store().current()));
        if (format == null || format.equals("json")) {
            return ApiResponse.download(ApiResponse.JSON_TYPE, "balor-config.json",
                    (config.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (format.equals("yaml")) {
            return ApiResponse.download("application/yaml; charset=utf-8", "balor-config.yaml",
                    YamlText.of(config).getBytes(StandardCharsets.UTF_8));
        }
        throw ApiException.badRequest("format", "format must be json or yaml, was '" + format + "'",
                "?format=yaml for YAML; JSON without it");
    }

    private ApiResponse importAll(ApiRequest request) {
        boolean dryRun = ConfigApi.flag(request, "dry_run", "?dry_run=true checks the import without changing anything");
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object",
                    "send {\"listeners\": [...], \"pools\": [...]}, as GET /api/config/export returns it");
        }
        List<io.balor.config.ConfigProblem> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                problems.add(new io.balor.config.ConfigProblem(key, "is not a key of an import (only listeners and"
                        + " pools)"));
            }
        });
        for (String key : KEYS) {
            if (!body.has(key)) {
                problems.add(new io.balor.config.ConfigProblem(key, "is required: an import replaces all listeners"
                        + " and pools (send [] for none)"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(400, problems, "send {\"listeners\": [...], \"pools\": [...]} and nothing else");
        }
        JsonNode listeners = body.get("listeners");
        JsonNode pools = body.get("pools");
        String summary = "imported " + listeners.size() + " listeners and " + pools.size() + " pools";
        if (dryRun) {
            BalorState state = context.store().current();
            changes.replaceAll(request, state, listeners, restored(body, state).get("pools"));
            return ApiResponse.ok(counts(listeners, pools).put("valid", true).putNull("version"));
        }
        StateStore.Applied applied = changes.apply(request, summary, state -> {
            BalorState after = changes.replaceAll(request, state, listeners, restored(body, state).get("pools"));
            return after.config().equals(state.config()) ? state : after;
        }, null, null);
        ObjectNode answer = counts(listeners, pools);
        if (applied.version() == null) {
            answer.putNull("version");
        } else {
            answer.put("version", applied.version().id());
        }
        ApiResponse response = ApiResponse.ok(answer);
        return applied.after() == applied.before() ? response.withAuditDetail(summary + " (nothing changed)")
                : response.withAuditDetail(summary).withAuditChange(
                        context.store().history().configOf(applied.before()),
                        context.store().history().configOf(applied.after()));
    }

    /**
     * {@code body} (a copy) with each credential header sent as {@value SecretHeaders#REDACTED}
     * given its value in {@code state}'s pool of the same name; 400 naming each that has none there.
     */
    private JsonNode restored(JsonNode body, BalorState state) {
        JsonNode copy = body.deepCopy();
        if (copy.path("pools").isArray()) {
            List<SecretHeaders.Missing> missing = SecretHeaders.restore(copy,
                    changes.edits().items(state, ConfigEdits.Section.POOLS));
            if (!missing.isEmpty()) {
                throw ProblemAnswers.redactedWithoutValue(missing);
            }
        }
        return copy;
    }

    private static ObjectNode counts(JsonNode listeners, JsonNode pools) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("listeners", listeners.size()).put("pools", pools.size());
    }
}
