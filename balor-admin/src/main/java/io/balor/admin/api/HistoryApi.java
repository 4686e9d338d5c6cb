package io.balor.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.ChangeHistory;
import io.balor.admin.state.ChangeHistory.Version;
import io.balor.admin.state.ConfigDiff;
import io.balor.admin.state.SecretHeaders;
import io.balor.admin.state.StateStore;
import io.balor.config.ConfigProblem;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/history}: the versions of the config that {@link ChangeHistory} recorded, read by
 * viewers, and the rollback to one of them, an operator's. Runs on the API server's worker
 * threads; stateless beyond the history it reads.
 * <ul>
 *   <li>{@code GET /api/history[?limit=N]}: newest first, {@code [{"id", "at", "by", "summary",
 *       "changed"}]}, {@code changed} the number of fields that differ from the version before.</li>
 *   <li>{@code GET /api/history/{id}[?compare=OTHER]}: {@code {"id", "at", "by", "summary",
 *       "changed", "config": {"listeners", "pools"}, "diff_from", "diff": [{"path", "before",
 *       "after"}]}}: the field-level difference ({@link ConfigDiff}) from the kept version before
 *       it ({@code diff_from}; null, and every object new, for the oldest kept), or from version
 *       OTHER when {@code compare} names it.</li>
 *   <li>{@code POST /api/history/{id}/rollback} (no body, or {@code {}}): makes that version's
 *       listeners and pools the running and saved ones through the same checks as any change
 *       ({@link ConfigChanges}: 400 invalid, 403 a file only an admin may name, 409 an address
 *       in use or a file that does not load; nothing changed then). The rollback is a version of
 *       its own ("rollback to version ID"); the answer is that version's list entry plus
 *       {@code "unchanged": false}. A version equal to the running config changes nothing and
 *       records nothing: {@code {"id": null, "summary": "...nothing changed", "unchanged": true}}.
 *       A health-check header the version stores redacted keeps its running value; if the
 *       running config has no such header to keep, 409 naming it (nothing changed).</li>
 * </ul>
 */
final class HistoryApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AdminContext context;
    private final ConfigChanges changes;

    HistoryApi(AdminContext context, ConfigChanges changes) {
        this.context = context;
        this.changes = changes;
    }

    List<Endpoint> routes() {
        Access read = Access.atLeast(Role.VIEWER);
        return List.of(
                Endpoint.get("/api/history", read, this::list),
                Endpoint.get("/api/history/{id}", read, this::view),
                Endpoint.post("/api/history/{id}/rollback", Access.atLeast(Role.OPERATOR), this::rollback));
    }

    private ChangeHistory history() {
        return context.store().history();
    }

    private ApiResponse list(ApiRequest request) {
        int limit = request.queryInt("limit", ChangeHistory.DEFAULT_KEEP, 1, 100_000);
        List<Version> versions = history().versions();
        ArrayNode list = NODES.arrayNode();
        for (int i = versions.size() - 1; i >= 0 && list.size() < limit; i--) {
            list.add(entry(versions.get(i)));
        }
        return ApiResponse.ok(list);
    }

    private ApiResponse view(ApiRequest request) {
        Version version = find(request.pathParam("id"), "id");
        String compare = request.query("compare");
        Version from = compare == null ? history().before(version.id()) : find(compare, "compare");
        ObjectNode node = entry(version);
        node.set("config", version.config().deepCopy());
        node.put("diff_from", from == null ? null : from.id());
        ArrayNode diff = node.putArray("diff");
        for (ConfigDiff.Change change : ConfigDiff.between(from == null ? null : from.config(), version.config())) {
            diff.addObject().put("path", change.path()).<ObjectNode>set("before", change.before())
                    .set("after", change.after());
        }
        return ApiResponse.ok(node);
    }

    private ApiResponse rollback(ApiRequest request) {
        ConfigApi.noBody(request);
        Version version = find(request.pathParam("id"), "id");
        String summary = "rollback to version " + version.id();
        StateStore.Applied applied = changes.apply(request, summary, state -> {
            ObjectNode config = restored(version.config(), state);
            BalorState after = changes.replaceAll(request, state, config.get("listeners"), config.get("pools"));
            return after.config().equals(state.config()) ? state : after;
        }, null, null);
        if (applied.after() == applied.before()) {
            ObjectNode node = NODES.objectNode().putNull("id").put("summary", "version " + version.id()
                    + " is the running config already; nothing changed").put("unchanged", true);
            return ApiResponse.ok(node).withAuditDetail(summary + " (nothing changed)");
        }
        ObjectNode node = applied.version() == null ? NODES.objectNode().putNull("id").put("summary", summary)
                : entry(applied.version());
        return ApiResponse.ok(node.put("unchanged", false)).withAuditDetail(summary)
                .withAuditChange(history().configOf(applied.before()), history().configOf(applied.after()));
    }

    /**
     * {@code stored} (a version's config) with each redacted health-check header given its value
     * in {@code running}'s pool of the same name ({@link SecretHeaders#restore}); 409 naming each
     * one that has none there.
     */
    private ObjectNode restored(ObjectNode stored, BalorState running) {
        ObjectNode config = stored.deepCopy();
        List<ConfigProblem> missing = new ArrayList<>();
        for (SecretHeaders.Missing header : SecretHeaders.restore(config,
                changes.edits().items(running, ConfigEdits.Section.POOLS))) {
            missing.add(new ConfigProblem(header.path(), "is stored redacted and pool '" + header.pool()
                    + "' has no such header now to keep"));
        }
        if (!missing.isEmpty()) {
            throw ApiException.invalid(409, missing, "nothing was changed; set the header on the pool first"
                    + " (PUT /api/pools/NAME), then roll back again");
        }
        return config;
    }

    /** The version whose id is {@code text}; 404 when it is not one kept. */
    private Version find(String text, String field) {
        Version version = text.matches("[0-9]{1,18}") ? history().version(Long.parseLong(text)) : null;
        if (version == null) {
            throw new ApiException(404, "no version '" + text + "' in the change history",
                    "GET /api/history lists them (only the newest are kept)", field);
        }
        return version;
    }

    /** A version's list entry: {@code {"id", "at", "by", "summary", "changed"}}. */
    static ObjectNode entry(Version version) {
        return NODES.objectNode().put("id", version.id()).put("at", version.at().toString()).put("by", version.by())
                .put("summary", version.summary()).put("changed", version.changed());
    }
}
