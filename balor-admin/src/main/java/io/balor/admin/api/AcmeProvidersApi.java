package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.dns.ProviderSecrets;
import io.balor.admin.acme.jobs.AcmeJob;
import io.balor.admin.acme.jobs.AcmeJobs;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/acme/providers}: the DNS-01 providers of the state file's {@code acme_providers}
 * (Cloudflare, Route53, a generic webhook; see {@link io.balor.admin.acme.dns.DnsProviders} for
 * their keys). Admins only. Secrets are write-only: a read shows them as
 * {@value ProviderSecrets#REDACTED}, and a {@code PUT} that sends that value back keeps the
 * stored one. An entry is checked as the state file's reader checks it, its problems named
 * relative to the body ({@code api_token}); one a route or standalone job uses cannot be deleted.
 * Changes are serialised on this object; worker threads.
 */
final class AcmeProvidersApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AdminContext context;

    AcmeProvidersApi(AdminContext context) {
        this.context = context;
    }

    List<Endpoint> routes() {
        Access admin = Access.atLeast(Role.ADMIN);
        return List.of(
                Endpoint.get("/api/acme/providers", admin, request -> ApiResponse.ok(list(context.store().current()))),
                Endpoint.post("/api/acme/providers", admin, this::create),
                Endpoint.get("/api/acme/providers/{name}", admin, request -> ApiResponse.ok(
                        ProviderSecrets.redact(entry(context.store().current(), request.pathParam("name")).deepCopy()))),
                Endpoint.put("/api/acme/providers/{name}", admin, this::replace),
                Endpoint.delete("/api/acme/providers/{name}", admin, this::delete));
    }

    private static ArrayNode list(BalorState state) {
        return (ArrayNode) ProviderSecrets.redact(entries(state));
    }

    private synchronized ApiResponse create(ApiRequest request) {
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "the body must be a provider object {name, provider, ...}",
                    "see GET /api/acme/providers for the shape");
        }
        String name = request.requireText("name");
        context.changed(state -> {
            if (find(state, name) >= 0) {
                throw ApiException.conflict("DNS provider '" + name + "' already exists", "PUT /api/acme/providers/"
                        + name + " to change it");
            }
            ArrayNode all = entries(state);
            all.add(body.deepCopy());
            return checked(state, all, all.size() - 1, body, null);
        });
        return ApiResponse.created(ProviderSecrets.redact(body.deepCopy()))
                .withAuditDetail("created DNS provider " + name).withAuditChange(null, ProviderSecrets.redact(body.deepCopy()));
    }

    private synchronized ApiResponse replace(ApiRequest request) {
        String name = request.pathParam("name");
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "the body must be a provider object {name, provider, ...}",
                    "see GET /api/acme/providers/" + name + " for the shape");
        }
        ObjectNode entry = (ObjectNode) body.deepCopy();
        if (entry.has("name") && !name.equals(entry.path("name").asText(null))) {
            throw ApiException.badRequest("name", "name must be '" + name + "' (the one in the path), or left out",
                    "a provider is not renamed: create the new one, move its users, delete the old one");
        }
        entry.put("name", name);
        JsonNode[] stored = new JsonNode[1];
        context.changed(state -> {
            int index = find(state, name);
            if (index < 0) {
                throw notFound(name);
            }
            stored[0] = state.extras().get(AcmeSections.PROVIDERS).get(index);
            ArrayNode all = entries(state);
            all.set(index, entry);
            return checked(state, all, index, entry, stored[0]);
        });
        return ApiResponse.ok(ProviderSecrets.redact(entry.deepCopy())).withAuditDetail("changed DNS provider " + name)
                .withAuditChange(ProviderSecrets.redact(stored[0].deepCopy()), ProviderSecrets.redact(entry.deepCopy()));
    }

    private synchronized ApiResponse delete(ApiRequest request) {
        String name = request.pathParam("name");
        JsonNode[] removed = new JsonNode[1];
        context.changed(state -> {
            int index = find(state, name);
            if (index < 0) {
                throw notFound(name);
            }
            List<String> users = new ArrayList<>();
            for (AcmeJob job : AcmeJobs.of(state,
                    context.store().file(), context.certDir())) {
                if (name.equals(job.acme().provider())) {
                    users.add(job.id());
                }
            }
            if (!users.isEmpty()) {
                throw ApiException.conflict("DNS provider '" + name + "' is used by the ACME jobs of "
                        + String.join(", ", users), "give those jobs another provider, or delete them, first");
            }
            removed[0] = state.extras().get(AcmeSections.PROVIDERS).get(index);
            ArrayNode all = entries(state);
            all.remove(index);
            return state.withExtra(AcmeSections.PROVIDERS, all.isEmpty() ? null : all);
        });
        return ApiResponse.noContent().withAuditDetail("deleted DNS provider " + name)
                .withAuditChange(ProviderSecrets.redact(removed[0].deepCopy()), null);
    }

    /**
     * {@code state} with {@code all} as its providers, read back by the state file's reader: the
     * entry at {@code index} ({@code entry}, its redacted secrets restored from {@code stored})
     * answers its problems relative to the body.
     */
    private BalorState checked(BalorState state, ArrayNode all, int index, JsonNode entry, JsonNode stored) {
        String at = AcmeSections.PROVIDERS + "[" + index + "]";
        List<ConfigProblem> missing = ProviderSecrets.restore(all.get(index), stored, at);
        if (!missing.isEmpty()) {
            throw ProblemAnswers.invalid(ConfigEdits.relative(new InvalidConfigException(missing), at));
        }
        ObjectNode root = StateDocument.toJson(state.withExtra(AcmeSections.PROVIDERS, all), context.store().file());
        try {
            return StateDocument.fromJson(root, context.store().file());
        } catch (InvalidConfigException e) {
            throw ProblemAnswers.invalid(ConfigEdits.relative(e, at));
        }
    }

    /** The stored entries, a copy to change. */
    private static ArrayNode entries(BalorState state) {
        JsonNode section = state.extras().get(AcmeSections.PROVIDERS);
        return section != null && section.isArray() ? section.deepCopy() : NODES.arrayNode();
    }

    private static JsonNode entry(BalorState state, String name) {
        int index = find(state, name);
        if (index < 0) {
            throw notFound(name);
        }
        return state.extras().get(AcmeSections.PROVIDERS).get(index);
    }

    private static int find(BalorState state, String name) {
        JsonNode section = state.extras().get(AcmeSections.PROVIDERS);
        for (int i = 0; section != null && section.isArray() && i < section.size(); i++) {
            if (name.equals(section.get(i).path("name").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no DNS provider '" + name + "'", "GET /api/acme/providers lists them");
    }
}
