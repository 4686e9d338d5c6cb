package io.balor.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Handler;
import io.balor.admin.http.Endpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api} (and {@code /api/}): the index of the admin API, public, so the URL the daemon
 * prints at start answers with where to go next. Each endpoint is its method, its path pattern
 * and the least role that may call it ({@code public}, {@code viewer}, {@code operator},
 * {@code admin}), generated from the very routes the server runs (so it cannot drift from them,
 * and {@code /metrics} shows as {@code viewer} when {@code BALOR_METRICS_AUTH=true}), in the order
 * they are registered; plus how to log in and where the reference is. Written once when the
 * routes are built, so a request only copies bytes. Immutable; worker threads.
 */
final class IndexApi {

    /** Where the words of the reference are: the README's section. */
    static final String REFERENCE = "README.md, section \"Admin API\"";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private IndexApi() {
    }

    /** {@code routes} followed by the index's own two routes, which list all of them. */
    static List<Endpoint> withIndex(List<Endpoint> routes) {
        String[] body = new String[1];
        Handler index = request -> ApiResponse.text(200, ApiResponse.JSON_TYPE, body[0]);
        List<Endpoint> all = new ArrayList<>(routes);
        all.add(Endpoint.get("/api", Access.PUBLIC, index));
        all.add(Endpoint.get("/api/", Access.PUBLIC, index));
        body[0] = index(all).toString();
        return List.copyOf(all);
    }

    /** The index document of {@code routes}. */
    static ObjectNode index(List<Endpoint> routes) {
        ObjectNode node = NODES.objectNode();
        node.put("api_version", AdminContext.API_VERSION);
        node.put("reference", REFERENCE);
        node.put("login", "POST /api/login {\"username\", \"password\"} answers a token; send it as"
                + " Authorization: Bearer <token>");
        ArrayNode endpoints = node.putArray("endpoints");
        for (Endpoint route : routes) {
            endpoints.addObject().put("method", route.method()).put("path", route.pattern())
                    .put("min_role", route.access().minimumRole());
        }
        return node;
    }
}
