package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.AcmeProblem;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.jobs.AcmeJob;
import io.balor.admin.acme.jobs.AcmeJobs;
import io.balor.admin.acme.jobs.AcmeRunner;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import io.balor.config.InvalidConfigException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /api/acme}: the ACME jobs (a certificate per host route with {@code acme}, and per
 * {@code acme_standalone} entry) with their status, asking for certificates, renewing and
 * removing jobs; and the original Balor's paths as aliases ({@code /api/acme/schedule},
 * {@code /unschedule}, {@code /renew/{id}}, {@code /renew_all}, {@code /standalone},
 * {@code /standalone/renew}, {@code /standalone/delete}). Admins only. Issuance runs in the
 * background on the ACME thread ({@link AcmeRunner}): a request is answered {@code 202} with the
 * jobs as they stand, and {@code GET /api/acme/jobs} shows how they go. Worker threads; state
 * changes are serialised on this object.
 *
 * <p>{@code POST /api/acme/request {host | hosts, acme, label?}}: each host that a route has gets
 * {@code acme} on all its routes (the label kept in it), and leaves its standalone entry if it
 * had one; any other host becomes (or replaces) a standalone entry. The original's
 * {@code POST /api/acme/standalone} makes standalone entries only: a host whose routes ask for
 * its certificate is a 409 there.
 * {@code acme} is {@code {email, accept_terms, challenge?, provider?, directory_url?, label?}},
 * checked as the state file's reader checks it, problems named relative to the body.
 */
final class AcmeApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AdminContext context;

    AcmeApi(AdminContext context) {
        this.context = context;
    }

    List<Endpoint> routes() {
        Access admin = Access.atLeast(Role.ADMIN);
        List<Endpoint> routes = new ArrayList<>(List.of(
                Endpoint.get("/api/acme/jobs", admin, request -> ApiResponse.ok(views(null))),
                Endpoint.get("/api/acme/jobs/{id}", admin, request -> ApiResponse.ok(view(job(request.pathParam("id"))))),
                Endpoint.post("/api/acme/jobs/{id}/renew", admin, request -> renew(request.pathParam("id"))),
                Endpoint.delete("/api/acme/jobs/{id}", admin, request -> delete(request.pathParam("id"), null)),
                Endpoint.post("/api/acme/renew_all", admin, request -> renewAll()),
                // the original Balor's paths
                Endpoint.post("/api/acme/renew/{id}", admin, request -> renew(request.pathParam("id"))),
                Endpoint.post("/api/acme/unschedule", admin, request -> delete(host(request), null)),
                Endpoint.get("/api/acme/standalone", admin, request -> ApiResponse.ok(views(AcmeJob.Kind.STANDALONE))),
                Endpoint.post("/api/acme/standalone/renew", admin, request -> renew(host(request))),
                Endpoint.post("/api/acme/standalone/delete", admin,
                        request -> delete(host(request), AcmeJob.Kind.STANDALONE))));
        for (String path : List.of("/api/acme/request", "/api/acme/schedule", "/api/acme/standalone")) {
            routes.add(Endpoint.post(path, admin, request -> request(request, path.endsWith("/standalone"))));
        }
        return routes;
    }

    private AcmeRunner runner() {
        AcmeRunner runner = context.acme();
        if (runner == null) {
            throw ApiException.serviceUnavailable("ACME is not running here (the daemon's BALOR_ACME_DISABLED is"
                    + " true, or this admin server was started without ACME settings)", 0);
        }
        return runner;
    }

    private ArrayNode views(AcmeJob.Kind kind) {
        ArrayNode list = NODES.arrayNode();
        for (AcmeRunner.JobView view : runner().jobs()) {
            if (kind == null || view.job().kind() == kind) {
                list.add(view(view));
            }
        }
        return list;
    }

    private AcmeRunner.JobView job(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        for (AcmeRunner.JobView view : runner().jobs()) {
            if (view.job().id().equals(wanted) || view.job().certName().equals(wanted)) {
                return view;
            }
        }
        throw ApiException.notFound("no ACME job '" + id + "'", "GET /api/acme/jobs lists them");
    }

    static ObjectNode view(AcmeRunner.JobView view) {
        AcmeJob job = view.job();
        ObjectNode node = NODES.objectNode().put("id", job.id()).put("host", job.id()).put("kind", job.kind().wire())
                .put("label", job.label());
        job.routes().forEach(node.putArray("routes")::add);
        node.put("certificate", job.certName()).put("cert_file", job.certFile().toString());
        ObjectNode acme = node.putObject("acme").put("email", job.acme().email())
                .put("directory_url", job.acme().directoryUrl()).put("challenge", job.acme().challenge().wire())
                .put("provider", job.acme().provider()).put("accept_terms", job.acme().acceptTerms());
        acme.put("label", job.acme().label());
        AcmeStatus status = view.status();
        ObjectNode out = node.putObject("status").put("state", status.state()).put("message", status.message())
                .put("not_after", status.notAfter() == null ? null : status.notAfter().toString())
                .put("next_attempt", status.nextAttempt() == null ? null : status.nextAttempt().toString())
                .put("attempts", status.attempts());
        if (status.problemType() != null || status.problemDetail() != null) {
            out.putObject("problem").put("type", status.problemType()).put("detail", status.problemDetail());
        } else {
            out.putNull("problem");
        }
        return node;
    }

    private ApiResponse renew(String id) {
        AcmeRunner.JobView view = job(id);
        AcmeStatus status = view.status();
        java.time.Instant now = context.clock().instant();
        if (AcmeProblem.ACME_ERROR.concat("rateLimited").equals(status.problemType()) && status.nextAttempt() != null
                && status.nextAttempt().isAfter(now)) {
            // The CA said when: asking sooner only spends the limit again.
            long seconds = Math.max(1, java.time.Duration.between(now, status.nextAttempt()).toSeconds());
            throw new ApiException(429, "the CA rate-limited " + view.job().id() + " until " + status.nextAttempt(),
                    "it is tried again then by itself", null).withHeader("Retry-After", Long.toString(seconds));
        }
        runner().renew(view.job().id());
        return ApiResponse.json(202, view(view)).withAuditDetail("asked for a renewal of " + view.job().id());
    }

    private ApiResponse renewAll() {
        ArrayNode list = NODES.arrayNode();
        for (AcmeRunner.JobView view : runner().jobs()) {
            runner().renew(view.job().id());
            list.add(view(view));
        }
        return ApiResponse.json(202, list).withAuditDetail("asked for a renewal of every ACME job");
    }

    /**
     * The {@code host} of a body {@code {host}} (the original's standalone and unschedule calls;
     * its {@code id} is read too); a 400 without one.
     */
    private static String host(ApiRequest request) {
        String host = request.rejectUnknownKeys("host", "id").optionalText("host", request.fields().optionalText("id"));
        if (host == null || host.isBlank()) {
            throw ApiException.badRequest("host", "host is required", "send {\"host\": NAME}");
        }
        return host;
    }

    private synchronized ApiResponse request(ApiRequest request, boolean standaloneOnly) {
        runner();
        AcmeDocument.Asked asked = AcmeDocument.read(request, context.store().current(), context.store().file());
        Set<String> hosts = new LinkedHashSet<>(asked.hosts());
        Set<String> known = new HashSet<>(runner().statuses().keySet());   // one deleted lately too: its backoff goes
        for (AcmeRunner.JobView view : runner().jobs()) {
            known.add(view.job().id());
        }
        BalorState after = context.change(state -> {
            ObjectNode root = StateDocument.toJson(state, context.store().file());
            for (String host : hosts) {
                boolean routed = !standaloneOnly && AcmeDocument.setOnRoutes(root, host, asked.routeAcme());
                if (routed) {
                    AcmeDocument.removeStandalone(root, host);   // its routes take the job over
                } else if (AcmeDocument.routesAsk(root, host)) {
                    throw ApiException.conflict("the routes of " + host + " already ask for its certificate",
                            "POST /api/acme/request changes their acme; DELETE /api/acme/jobs/" + host
                                    + " first to make it a standalone job");
                } else {
                    AcmeDocument.setStandalone(root, host, asked.label(), asked.acme());
                }
            }
            try {
                return StateDocument.fromJson(root, context.store().file());
            } catch (InvalidConfigException e) {
                throw ProblemAnswers.invalid(e);
            }
        });
        ArrayNode jobs = NODES.arrayNode();
        boolean anyNew = false;
        for (String host : hosts) {
            if (known.contains(host)) {
                runner().renew(host);   // asked again (new settings, say): tried at once
            } else {
                anyNew = true;
            }
            jobs.add(view(job(host)));
        }
        if (anyNew) {
            // A new job is tried at the next look, at once, unless its files already hold a
            // certificate for it (one issued before, or migrated): none is issued needlessly.
            runner().lookNow();
        }
        return ApiResponse.json(202, jobs).withAuditDetail("asked for certificates for " + String.join(", ", hosts));
    }

    private synchronized ApiResponse delete(String id, AcmeJob.Kind only) {
        AcmeRunner runner = runner();
        AcmeJob job = AcmeJobs.find(context.store().current(), context.store().file(), context.certDir(), id);
        if (job == null || only != null && job.kind() != only) {
            throw ApiException.notFound("no " + (only == null ? "" : "standalone ") + "ACME job '" + id + "'",
                    "GET /api/acme/jobs lists them");
        }
        context.change(state -> {
            ObjectNode root = StateDocument.toJson(state, context.store().file());
            if (job.kind() == AcmeJob.Kind.ROUTE) {
                AcmeDocument.setOnRoutes(root, job.id(), null);
            } else {
                AcmeDocument.removeStandalone(root, job.id());
            }
            return StateDocument.fromJson(root, context.store().file());
        });
        runner.lookNow();   // forgets its status now, so the expiry gauge drops it too
        return ApiResponse.noContent().withAuditDetail("removed the ACME job of " + job.id() + " (its certificate"
                + " stays in certificates)");
    }
}
