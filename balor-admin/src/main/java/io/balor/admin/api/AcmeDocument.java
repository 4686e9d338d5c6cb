package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.JsonFields;
import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import io.balor.config.InvalidConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * For {@link AcmeApi}: reads a request for certificates, and makes its changes on the state
 * document (the state file's JSON shape), which the state file's reader then checks whole.
 * Stateless.
 */
final class AcmeDocument {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A request for certificates: its hosts (lower case), its {@code acme} object and label. */
    record Asked(List<String> hosts, ObjectNode acme, String label) {

        /** The {@code acme} a host's routes get: the request's label kept in it, as a route has no label of its own. */
        ObjectNode routeAcme() {
            ObjectNode routes = acme.deepCopy();
            if (label != null && !routes.hasNonNull("label")) {
                routes.put("label", label);
            }
            return routes;
        }
    }

    private AcmeDocument() {
    }

    /**
     * The body {@code {host | hosts, acme, label?}}, its {@code acme} checked as a state file's
     * (against {@code state}'s providers), problems named relative to the body.
     */
    static Asked read(ApiRequest request, BalorState state, Path stateFile) {
        JsonFields body = request.rejectUnknownKeys("host", "hosts", "acme", "label");
        List<String> hosts = new ArrayList<>();
        String host = body.optionalText("host");
        if (host != null) {
            hosts.add(host);
        }
        if (body.has("hosts")) {
            hosts.addAll(body.textList("hosts"));
        }
        if (hosts.isEmpty() || host != null && body.has("hosts")) {
            throw ApiException.badRequest("host", "give host (one name) or hosts (a list of names)",
                    "send {\"host\": \"www.example.com\", \"acme\": {\"email\": ..., \"accept_terms\": true}}");
        }
        for (int i = 0; i < hosts.size(); i++) {
            String name = hosts.get(i).toLowerCase(Locale.ROOT);
            if (!AcmeSections.validName(name)) {
                throw ApiException.badRequest(host != null ? "host" : "hosts[" + i + "]", "'" + hosts.get(i) + "' is not"
                        + " a DNS name", "letters, digits and '-' in dot-separated labels, '*.' first for a wildcard");
            }
            if (hosts.subList(0, i).contains(name)) {
                throw ApiException.badRequest("hosts[" + i + "]", "'" + hosts.get(i) + "' is named twice",
                        "name each host once");
            }
            hosts.set(i, name);
        }
        body.requireObject("acme");
        ObjectNode acme = (ObjectNode) request.json().get("acme").deepCopy();
        String label = body.optionalText("label");
        ObjectNode check = NODES.objectNode().put("version", 1);
        JsonNode providers = state.extras().get(AcmeSections.PROVIDERS);
        if (providers != null) {
            check.set(AcmeSections.PROVIDERS, providers.deepCopy());
        }
        ArrayNode jobs = check.putArray(AcmeSections.STANDALONE);
        for (String name : hosts) {
            jobs.addObject().put("host", name).set("acme", acme.deepCopy());
        }
        try {
            StateDocument.fromJson(check, stateFile);
        } catch (InvalidConfigException e) {
            throw ProblemAnswers.invalid(ConfigEdits.relative(e, AcmeSections.STANDALONE + "[0]"));
        }
        return new Asked(List.copyOf(hosts), acme, label);
    }

    /**
     * Sets (or, for a null {@code acme}, removes) the {@code acme} of every host route of
     * {@code host} in {@code root}, but those of listeners that pass TLS through.
     *
     * @return whether a route has that host
     */
    static boolean setOnRoutes(ObjectNode root, String host, JsonNode acme) {
        boolean found = false;
        for (JsonNode listener : root.path("listeners")) {
            if ("passthrough".equals(listener.path("tls").path("mode").asText())) {
                continue;   // it never terminates TLS: no certificate of its is ever served
            }
            for (JsonNode route : listener.path("host_routes")) {
                if (route instanceof ObjectNode object && host.equalsIgnoreCase(route.path("host").asText())) {
                    found = true;
                    if (acme == null) {
                        object.remove("acme");
                    } else {
                        object.set("acme", acme.deepCopy());
                    }
                }
            }
        }
        return found;
    }

    /** Whether a host route of {@code host} in {@code root} carries {@code acme}. */
    static boolean routesAsk(ObjectNode root, String host) {
        for (JsonNode listener : root.path("listeners")) {
            for (JsonNode route : listener.path("host_routes")) {
                if (host.equalsIgnoreCase(route.path("host").asText()) && route.hasNonNull("acme")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Makes or replaces the standalone entry of {@code host}. */
    static void setStandalone(ObjectNode root, String host, String label, JsonNode acme) {
        JsonNode section = root.get(AcmeSections.STANDALONE);
        ArrayNode entries = section instanceof ArrayNode array ? array : root.putArray(AcmeSections.STANDALONE);
        for (JsonNode entry : entries) {
            if (entry instanceof ObjectNode object && host.equalsIgnoreCase(entry.path("host").asText())) {
                object.set("acme", acme.deepCopy());
                if (label != null) {
                    object.put("label", label);
                }
                return;
            }
        }
        ObjectNode entry = entries.addObject().put("host", host);
        if (label != null) {
            entry.put("label", label);
        }
        entry.set("acme", acme.deepCopy());
    }

    /** Removes the standalone entry of {@code host} (the section too, when it was the last). */
    static void removeStandalone(ObjectNode root, String host) {
        JsonNode section = root.get(AcmeSections.STANDALONE);
        if (!(section instanceof ArrayNode entries)) {
            return;
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (host.equalsIgnoreCase(entries.get(i).path("host").asText())) {
                entries.remove(i);
            }
        }
        if (entries.isEmpty()) {
            root.remove(AcmeSections.STANDALONE);
        }
    }
}
