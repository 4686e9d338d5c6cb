package io.balor.admin.http;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes of one {@link ApiServer}, checked for duplicates, and the lookup that turns a method
 * and decoded path segments into a route or a 404/405. Immutable; any thread.
 *
 * <p>Routes are few (tens), so lookup is a scan: every route's pattern is tried, which also
 * gathers the methods the path allows for a 405's {@code Allow} header. HEAD and OPTIONS are not
 * implied: a path without such a route answers them 405 (so a CORS preflight is never allowed).
 */
final class EndpointTable {

    /** A route and the path parameters it took from the request path. */
    record Match(Endpoint route, Map<String, String> params) {
    }

    /** Where a client that asked for a path the API does not have finds the ones it has. */
    static final String NO_SUCH_PATH_HINT = "GET /api lists every endpoint with the role it needs;"
            + " the README's \"Admin API\" section describes them";

    private final List<Endpoint> routes;

    EndpointTable(List<Endpoint> routes) {
        this.routes = List.copyOf(routes);
        for (int i = 0; i < this.routes.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (this.routes.get(i).sameEndpoint(this.routes.get(j))) {
                    throw new IllegalArgumentException("two routes for one endpoint: "
                            + this.routes.get(j) + " and " + this.routes.get(i));
                }
            }
        }
    }

    /** Whether some route, of any method, has the path {@code segments}. */
    boolean has(List<String> segments) {
        for (Endpoint route : routes) {
            if (route.match(segments) != null) {
                return true;
            }
        }
        return false;
    }

    /** The route for {@code method} on {@code segments}; 404 if no route has the path, 405 if none has the method. */
    Match find(String method, List<String> segments) {
        Endpoint best = null;
        Map<String, String> bestParams = null;
        Set<String> allowed = new TreeSet<>();
        for (Endpoint route : routes) {
            Map<String, String> params = route.match(segments);
            if (params == null) {
                continue;
            }
            allowed.add(route.method());
            if (route.method().equals(method) && (best == null || route.moreSpecificThan(best))) {
                best = route;
                bestParams = params;
            }
        }
        if (best != null) {
            return new Match(best, bestParams);
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound("no such API path", NO_SUCH_PATH_HINT);
        }
        throw ApiException.methodNotAllowed(allowed);
    }
}
