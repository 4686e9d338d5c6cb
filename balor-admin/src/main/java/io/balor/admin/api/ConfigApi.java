package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.api.ConfigEdits.Section;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.SecretHeaders;
import io.balor.admin.state.StateStore;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code /api/listeners} and {@code /api/pools}: the state file's objects, read and written
 * through {@link ConfigEdits}; every change is written beside the state file, applied live, then
 * put in place, and one the file cannot take is refused before anything is applied
 * ({@link io.balor.admin.state.StateStore}). A listener's id is its name. Reads are open to
 * viewers; changes need an operator, and {@link ConfigRules} adds what a change must hold (a
 * script health check needs an admin). A POST or PUT body is the whole object; its audit record
 * has the fields before and after. Each listener and pool read includes the live state of its
 * upstreams. Runs on the API server's worker threads.
 *
 * <p>A pool's health-check headers that carry a credential read as
 * {@value SecretHeaders#REDACTED}, for every role and in audit records ({@link SecretHeaders});
 * the state file keeps the values. A POST or PUT that sends {@value SecretHeaders#REDACTED} back
 * as such a header's value keeps the value that header has in the pool the PUT replaces (the one
 * renamed, for a rename); with none to keep (a new pool, a header it does not have), 400 naming
 * {@code health_check.headers.NAME}.
 *
 * <p>A PUT whose body names another object than its path is refused (400 on {@code name}), as
 * Kubernetes refuses it and HAProxy's Data Plane API does not rename either: a typo in a name
 * must not move an object away from the URL it was read from. A rename is asked for explicitly,
 * {@code PUT /api/listeners/old?rename=true} with the new name in the body, and answers 200 with
 * {@code Location} at the new name.
 */
final class ConfigApi {

    /** What reads add to the state file's objects: live state, never saved. */
    private static final List<String> LIVE_KEYS = List.of("id", "bound", "upstream_health", "used_by");

    private final AdminContext context;
    private final ConfigChanges changes;
    private final ConfigEdits edits;
    private final ConfigRules rules;

    ConfigApi(AdminContext context, ConfigChanges changes) {
        this.context = context;
        this.changes = changes;
        this.edits = changes.edits();
        this.rules = changes.rules();
    }

    List<Endpoint> routes() {
        Access read = Access.atLeast(Role.VIEWER);
        Access write = Access.atLeast(Role.OPERATOR);
        return List.of(
                Endpoint.get("/api/listeners", read, request -> ApiResponse.ok(list(Section.LISTENERS))),
                Endpoint.post("/api/listeners", write, request -> create(Section.LISTENERS, request)),
                Endpoint.get("/api/listeners/{id}", read, request -> ApiResponse.ok(view(Section.LISTENERS, name(request)))),
                Endpoint.put("/api/listeners/{id}", write, request -> replace(Section.LISTENERS, request)),
                Endpoint.delete("/api/listeners/{id}", write, request -> delete(Section.LISTENERS, request)),
                Endpoint.post("/api/listeners/{id}/drain", write, request -> switchListener(request, false)),
                Endpoint.post("/api/listeners/{id}/enable", write, request -> switchListener(request, true)),
                Endpoint.get("/api/pools", read, request -> ApiResponse.ok(list(Section.POOLS))),
                Endpoint.post("/api/pools", write, request -> create(Section.POOLS, request)),
                Endpoint.get("/api/pools/{name}", read, request -> ApiResponse.ok(view(Section.POOLS, name(request)))),
                Endpoint.put("/api/pools/{name}", write, request -> replace(Section.POOLS, request)),
                Endpoint.delete("/api/pools/{name}", write, request -> delete(Section.POOLS, request)));
    }

    private static String name(ApiRequest request) {
        // pathParam throws for a parameter the route does not have: the pool routes name theirs {name}.
        String id = request.pathParams().get("id");
        return id != null ? id : request.pathParam("name");
    }

    private ArrayNode list(Section section) {
        BalorState state = context.store().current();
        ArrayNode items = edits.items(state, section);
        LiveState live = new LiveState(context.balor());
        for (JsonNode item : items) {
            live.decorate(section, shown(section, (ObjectNode) item), state);
        }
        return items;
    }

    private ObjectNode view(Section section, String name) {
        return view(section, context.store().current(), name);
    }

    /** Item {@code name} of {@code section} in {@code state} as a read shows it; 404 when there is none. */
    private ObjectNode view(Section section, BalorState state, String name) {
        ObjectNode item = edits.item(state, section, name);
        if (item == null) {
            throw notFound(section, name);
        }
        return new LiveState(context.balor()).decorate(section, shown(section, item), state);
    }

    /** {@code item} as the API shows it: a pool's credential headers redacted ({@link SecretHeaders}). */
    private static ObjectNode shown(Section section, ObjectNode item) {
        return section == Section.POOLS && item != null ? SecretHeaders.redactPool(item) : item;
    }

    /**
     * {@code body} (a copy) with each credential header sent as {@value SecretHeaders#REDACTED}
     * given its value in {@code running}, the pool it replaces (null: a new one); 400 naming each
     * that has none there.
     */
    private static JsonNode restored(Section section, JsonNode body, String name, ObjectNode running) {
        if (section != Section.POOLS) {
            return body;
        }
        JsonNode sent = body.deepCopy();
        List<String> missing = SecretHeaders.restorePool(sent, running);
        if (!missing.isEmpty()) {
            throw ProblemAnswers.redactedWithoutValue(missing.stream().map(path -> new SecretHeaders.Missing(name, path))
                    .toList());
        }
        return sent;
    }

    private ApiResponse create(Section section, ApiRequest request) {
        JsonNode body = body(request);
        requireKeys(section, body, null);
        String name = body.path("name").asText(null);
        String summary = "created " + singular(section) + " " + name;
        BalorState after = changes.apply(request, summary, state -> {
            if (name != null && edits.item(state, section, name) != null) {
                throw ApiException.conflict(singular(section) + " '" + name + "' already exists",
                        "choose another name, or PUT " + path(section, name) + " to change it")
                        .withField("name");
            }
            return checked(request, section, state, null, name, edits.put(state, section, null,
                    restored(section, body, name, null)));
        }, section, name).after();
        return ApiResponse.created(view(section, after, name))
                .withHeader("Location", path(section, name))
                .withAuditDetail(summary)
                .withAuditChange(null, shown(section, edits.item(after, section, name)));
    }

    private ApiResponse replace(Section section, ApiRequest request) {
        String name = name(request);
        ObjectNode body = (ObjectNode) body(request);
        requireKeys(section, body, name);
        String newName = body.path("name").asText(name);
        boolean rename = renameAsked(request);
        if (!newName.equals(name) && !rename) {
            throw ApiException.badRequest("name", "the name in the body ('" + newName + "') differs from the path ('"
                    + name + "')", "to rename " + singular(section) + " '" + name + "' to '" + newName + "', send the"
                    + " same body to PUT " + path(section, name) + "?rename=true; else send \"name\": \"" + name + "\"");
        }
        String summary = newName.equals(name) ? "updated " + singular(section) + " " + name
                : "renamed " + singular(section) + " " + name + " to " + newName;
        StateStore.Applied changed = changes.apply(request, summary, state -> {
            ObjectNode running = edits.item(state, section, name);
            if (running == null) {
                throw notFound(section, name);
            }
            if (!newName.equals(name) && edits.item(state, section, newName) != null) {
                throw ApiException.conflict(singular(section) + " '" + newName + "' already exists",
                        "a rename must pick a free name").withField("name");
            }
            if (section == Section.POOLS && !newName.equals(name)
                    && !ConfigEdits.poolUsers(state.config(), name).isEmpty()) {
                throw ApiException.conflict("pool '" + name + "' is used by " + ConfigEdits.poolUsers(state.config(), name),
                        "point those listeners at another pool before renaming it").withField("name");
            }
            return checked(request, section, state, name, newName, edits.put(state, section, name,
                    restored(section, body, name, running)));
        }, section, newName);
        BalorState after = changed.after();
        ApiResponse response = ApiResponse.ok(view(section, after, newName))
                .withAuditDetail(summary)
                .withAuditChange(shown(section, edits.item(changed.before(), section, name)),
                        shown(section, edits.item(after, section, newName)));
        return newName.equals(name) ? response : response.withHeader("Location", path(section, newName));
    }

    /** {@code ?rename=true}: the PUT's body may give the object a new name; absent or false, it may not. */
    private static boolean renameAsked(ApiRequest request) {
        return flag(request, "rename", "?rename=true lets the body's name rename the object");
    }

    /** The query parameter {@code name}: true or false (absent: false); 400 with {@code hint} for anything else. */
    static boolean flag(ApiRequest request, String name, String hint) {
        String value = request.query(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (!value.equals("true")) {
            throw ApiException.badRequest(name, "query parameter " + name + " must be true or false, was '" + value
                    + "'", hint);
        }
        return true;
    }

    /**
     * 400 when {@code body} lacks a required key ({@link ConfigRules#missingKeys}), naming those and
     * every other problem the body has (as it would put item {@code replacing}, null: a new one).
     */
    private void requireKeys(Section section, JsonNode body, String replacing) {
        List<ConfigProblem> problems = new java.util.ArrayList<>(ConfigRules.missingKeys(section, body));
        if (problems.isEmpty()) {
            return;
        }
        BalorState state = context.store().current();
        try {
            edits.put(state, section, replacing != null && edits.item(state, section, replacing) != null ? replacing
                    : null, body);
        } catch (InvalidConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                if (problems.stream().noneMatch(p -> p.path().equals(problem.path()))) {
                    problems.add(problem);
                }
            }
        }
        throw ApiException.invalid(400, problems, "send the whole object, as a GET returns it, with every field fixed");
    }

    /**
     * {@code after} (the state with item {@code name}, formerly {@code oldName}, of {@code section}
     * put in) if {@link ConfigRules} let the caller make it; else the refusal.
     */
    private BalorState checked(ApiRequest request, Section section, BalorState before, String oldName, String name,
                               BalorState after) {
        String at = section.key + "[" + edits.indexOf(after, section, name) + "]";
        // The role first: an operator learns nothing of the script directory or of files outside.
        rules.checkCertificatePaths(before.config(), after.config(), request.principal(), at, changes.consoleFiles(before));
        ConfigRules.checkAcmeChange(before.config(), after.config(), request.principal());
        if (section == Section.POOLS) {
            ConfigRules.checkScriptChange(oldName == null ? null : before.config().pool(oldName),
                    after.config().pool(name), request.principal());
        }
        List<ConfigProblem> scripts = rules.scriptProblems(after.config());
        if (!scripts.isEmpty()) {
            throw ProblemAnswers.invalid(ConfigEdits.relative(new InvalidConfigException(scripts), at));
        }
        if (section == Section.POOLS) {
            ConfigRules.checkPoolInUse(after.config(), name);
        } else {
            ConfigRules.checkListenerPools(after.config(), name);
        }
        return after;
    }

    private ApiResponse delete(Section section, ApiRequest request) {
        String name = name(request);
        String summary = "deleted " + singular(section) + " " + name;
        StateStore.Applied changed = change(request, summary, state -> {
            if (edits.item(state, section, name) == null) {
                throw notFound(section, name);
            }
            List<String> users = section == Section.POOLS ? ConfigEdits.poolUsers(state.config(), name) : List.of();
            if (!users.isEmpty()) {
                throw ApiException.conflict("pool '" + name + "' is used by listeners " + String.join(", ", users),
                        "delete those listeners or point them at another pool first");
            }
            return edits.remove(state, section, name);
        });
        return ApiResponse.noContent().withAuditDetail(summary)
                .withAuditChange(shown(section, edits.item(changed.before(), section, name)), null);
    }

    /**
     * Drain ({@code enabled} false): stops accepting, lets in-flight exchanges finish up to the
     * listener's drain timeout, and keeps the config, disabled (as the original Balor's drain).
     * Answers once the listener has stopped accepting; its sessions drain in the background.
     * Enable ({@code enabled} true): binds it again and serves (409 naming {@code listen} when the
     * address is taken meanwhile, or the certificate file that does not load). Either, when the
     * listener is so already, changes nothing.
     */
    private ApiResponse switchListener(ApiRequest request, boolean enabled) {
        String name = request.pathParam("id");
        noBody(request);
        String summary = (enabled ? "enabled listener " : "drained listener ") + name;
        StateStore.Applied changed = change(request, summary, state -> {
            ListenerConfig listener = state.config().listener(name);
            if (listener == null) {
                throw notFound(Section.LISTENERS, name);
            }
            if (listener.enabled() == enabled) {
                return state;
            }
            List<ListenerConfig> listeners = new java.util.ArrayList<>(state.config().listeners());
            listeners.replaceAll(l -> l.name().equals(name) ? l.withEnabled(enabled) : l);
            return state.withConfig(state.config().withListeners(listeners));
        });
        BalorState after = changed.after();
        ApiResponse response = ApiResponse.ok(new LiveState(context.balor()).decorate(Section.LISTENERS,
                edits.item(after, Section.LISTENERS, name), after)).withAuditDetail(summary);
        return changed.before() == after ? response   // already so: nothing changed
                : response.withAuditChange(edits.item(changed.before(), Section.LISTENERS, name),
                        edits.item(after, Section.LISTENERS, name));
    }

    /** 400 unless the request has no body, or {@code {}}: drain and enable take no settings. */
    static void noBody(ApiRequest request) {
        if (request.body().length > 0) {
            request.rejectUnknownKeys();
        }
    }

    private StateStore.Applied change(ApiRequest request, String summary, UnaryOperator<BalorState> change) {
        return changes.apply(request, summary, change, null, null);
    }

    /**
     * The body, an object; the keys a read adds ({@link #LIVE_KEYS}) are dropped, so what a GET
     * returned can be sent back with a PUT.
     */
    private static JsonNode body(ApiRequest request) {
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object", "send {\"name\": ..., ...}");
        }
        ((ObjectNode) body).remove(LIVE_KEYS);
        return body;
    }

    private static ApiException notFound(Section section, String name) {
        return ApiException.notFound("no " + singular(section) + " '" + name + "'", "GET /api/" + section.key + " lists them");
    }

    private static String singular(Section section) {
        return section == Section.LISTENERS ? "listener" : "pool";
    }

    private static String path(Section section, String name) {
        return "/api/" + section.key + "/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
