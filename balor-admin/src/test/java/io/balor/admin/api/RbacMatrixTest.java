package io.balor.admin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.http.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The role matrix of the admin API (issue 6): admin everything; operator creates, changes, drains
 * and deletes listeners and pools and reads everything but users and secrets; viewer only reads.
 * One row per route of {@link AdminServer#routes} (the test fails if a route has no row, or a row
 * no route), each called by nobody, a viewer, an operator, an admin and the admin token: below the
 * row's minimum the answer is 401 (no credentials) or 403 (too small a role) and the state file is
 * untouched; at or above it the call succeeds with the row's status. A row that changes something
 * acts on a resource of its own per caller ({@code {n}}), created beforehand with the admin token.
 */
class RbacMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The least a caller needs, from none to most. */
    enum Min { PUBLIC, VIEWER, OPERATOR, ADMIN }

    /** Who calls; {@code rank} compares with {@link Min#ordinal()}. */
    enum Caller {
        NOBODY(0), VIEWER(1), OPERATOR(2), ADMIN(3), ADMIN_TOKEN(3);

        final int rank;

        Caller(int rank) {
            this.rank = rank;
        }

        String shortName() {
            return switch (this) {
                case NOBODY -> "no";
                case VIEWER -> "vw";
                case OPERATOR -> "op";
                case ADMIN -> "ad";
                case ADMIN_TOKEN -> "tk";
            };
        }
    }

    /** Creates the resource named {@code n} a row acts on, with the admin token. */
    @FunctionalInterface
    interface Setup {
        void create(AdminFixture admin, String n) throws Exception;
    }

    /**
     * One call of the matrix.
     *
     * @param pattern      the route it exercises ({@code METHOD /pattern}, as {@link Endpoint#toString()})
     * @param path         the concrete path; {@code {n}} is replaced by a name unique to the row and caller
     * @param body         the body for name n, or null for none
     * @param setup        what to create first (for name n), or null
     * @param freshSession the caller logs in anew for this call (the call ends its session)
     */
    record Row(String pattern, String path, Min min, int okStatus, Function<String, String> body, Setup setup,
               boolean freshSession) {

        String method() {
            return pattern.substring(0, pattern.indexOf(' '));
        }
    }

    private static Row row(String pattern, String path, Min min, int okStatus) {
        return new Row(pattern, path, min, okStatus, null, null, false);
    }

    private static Row row(String pattern, String path, Min min, int okStatus, Function<String, String> body,
                           Setup setup) {
        return new Row(pattern, path, min, okStatus, body, setup, false);
    }

    @TempDir
    Path dir;

    private static String listener(String name) {
        return "{\"name\": \"" + name + "\", \"listen\": \"127.0.0.1:0\", \"pool\": \"shared-pool\"}";
    }

    private static String pool(String name) {
        return "{\"name\": \"" + name + "\", \"upstreams\": [\"127.0.0.1:9\"]}";
    }

    private static String user(String name) {
        return "{\"username\": \"" + name + "\", \"password\": \"" + name + "-password\", \"role\": \"viewer\"}";
    }

    private static String certificate(String name, String pem) {
        return JSON.createObjectNode().put("name", name).put("pem", pem).toString();
    }

    /** A standalone ACME job for {@code n.example.com}; its CA is a closed port, so its attempt fails at once. */
    private static String acmeRequest(String n) {
        return "{\"host\": \"" + n + ".example.com\", \"acme\": {\"email\": \"ops@example.com\","
                + " \"accept_terms\": true, \"directory_url\": \"https://127.0.0.1:1/directory\"}}";
    }

    private static String acmeHost(String n) {
        return "{\"host\": \"" + n + ".example.com\"}";
    }

    private static String dnsProvider(String n) {
        return "{\"name\": \"" + n + "\", \"provider\": \"generic\", \"api_base\": \"https://127.0.0.1:1/hook\"}";
    }

    private static void create(AdminFixture admin, String path, String body) throws Exception {
        create(admin, path, body, 201);
    }

    private static void create(AdminFixture admin, String path, String body, int status) throws Exception {
        HttpResponse<String> response = admin.call("POST", path, AdminFixture.ADMIN_TOKEN, body);
        if (response.statusCode() != status) {
            throw new AssertionError("setup POST " + path + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Every route, at least once; GETs of shared resources, changes on resources of their own. */
    private static List<Row> table(String pem) {
        Setup aListener = (admin, n) -> create(admin, "/api/listeners", listener(n));
        Setup aPool = (admin, n) -> create(admin, "/api/pools", pool(n));
        Setup aUser = (admin, n) -> create(admin, "/api/users", user(n));
        Setup aCertificate = (admin, n) -> create(admin, "/api/certificates", certificate(n, pem));
        List<Row> rows = new ArrayList<>();
        // system
        rows.add(row("GET /api", "/api", Min.PUBLIC, 200));
        rows.add(row("GET /api/", "/api/", Min.PUBLIC, 200));
        rows.add(row("GET /api/health", "/api/health", Min.PUBLIC, 200));
        rows.add(row("GET /api/version", "/api/version", Min.PUBLIC, 200));
        rows.add(row("GET /metrics", "/metrics", Min.PUBLIC, 200));   // BALOR_METRICS_AUTH off: see below
        rows.add(row("GET /api/stats", "/api/stats", Min.VIEWER, 200));
        rows.add(row("GET /api/admin/console", "/api/admin/console", Min.VIEWER, 200));
        rows.add(row("PUT /api/admin/console", "/api/admin/console", Min.ADMIN, 200,
                n -> "{\"bind\": \"127.0.0.1:9443\"}", null));
        // listeners
        rows.add(row("GET /api/listeners", "/api/listeners", Min.VIEWER, 200));
        rows.add(row("POST /api/listeners", "/api/listeners", Min.OPERATOR, 201, RbacMatrixTest::listener, null));
        rows.add(row("GET /api/listeners/{id}", "/api/listeners/shared-listener", Min.VIEWER, 200));
        rows.add(row("PUT /api/listeners/{id}", "/api/listeners/{n}", Min.OPERATOR, 200,
                RbacMatrixTest::listener, aListener));
        rows.add(row("DELETE /api/listeners/{id}", "/api/listeners/{n}", Min.OPERATOR, 204, null, aListener));
        rows.add(row("POST /api/listeners/{id}/drain", "/api/listeners/{n}/drain", Min.OPERATOR, 200, null, aListener));
        Setup aDrainedListener = (admin, n) -> create(admin, "/api/listeners", listener(n).replace("}",
                ", \"enabled\": false}"));
        rows.add(row("POST /api/listeners/{id}/enable", "/api/listeners/{n}/enable", Min.OPERATOR, 200, null,
                aDrainedListener));
        // pools
        rows.add(row("GET /api/pools", "/api/pools", Min.VIEWER, 200));
        rows.add(row("POST /api/pools", "/api/pools", Min.OPERATOR, 201, RbacMatrixTest::pool, null));
        rows.add(row("GET /api/pools/{name}", "/api/pools/shared-pool", Min.VIEWER, 200));
        rows.add(row("PUT /api/pools/{name}", "/api/pools/{n}", Min.OPERATOR, 200,
                n -> "{\"name\": \"" + n + "\", \"upstreams\": [\"127.0.0.1:10\"]}", aPool));
        rows.add(row("DELETE /api/pools/{name}", "/api/pools/{n}", Min.OPERATOR, 204, null, aPool));
        // history ({latest}: the newest version, so the rollback changes nothing) and import/export
        rows.add(row("GET /api/history", "/api/history", Min.VIEWER, 200));
        rows.add(row("GET /api/history/{id}", "/api/history/1", Min.VIEWER, 200));
        rows.add(row("POST /api/history/{id}/rollback", "/api/history/{latest}/rollback", Min.OPERATOR, 200));
        rows.add(row("GET /api/config/export", "/api/config/export", Min.VIEWER, 200));
        rows.add(row("POST /api/config/import", "/api/config/import?dry_run=true", Min.OPERATOR, 200,
                n -> "{\"listeners\": [], \"pools\": []}", null));
        // sessions and users
        rows.add(row("POST /api/login", "/api/login", Min.PUBLIC, 200,
                n -> "{\"username\": \"rbac-viewer\", \"password\": \"rbac-viewer-password\"}", null));
        rows.add(new Row("POST /api/logout", "/api/logout", Min.VIEWER, 204, null, null, true));
        rows.add(row("GET /api/users", "/api/users", Min.ADMIN, 200));
        rows.add(row("POST /api/users", "/api/users", Min.ADMIN, 201, RbacMatrixTest::user, null));
        rows.add(row("GET /api/users/{name}", "/api/users/rbac-viewer", Min.ADMIN, 200));
        rows.add(row("PUT /api/users/{name}", "/api/users/{n}", Min.ADMIN, 200, n -> "{\"role\": \"operator\"}", aUser));
        rows.add(row("DELETE /api/users/{name}", "/api/users/{n}", Min.ADMIN, 204, null, aUser));
        // certificates: the chain is for viewers, the key for admins
        rows.add(row("GET /api/certificates", "/api/certificates", Min.VIEWER, 200));
        rows.add(row("POST /api/certificates", "/api/certificates", Min.ADMIN, 201, n -> certificate(n, pem), null));
        rows.add(row("GET /api/certificates/{name}", "/api/certificates/shared-cert", Min.VIEWER, 200));
        rows.add(row("GET /api/certificates/{name}", "/api/certificates/shared-cert?include_key=true", Min.ADMIN, 200));
        rows.add(row("DELETE /api/certificates/{name}", "/api/certificates/{n}", Min.ADMIN, 204, null, aCertificate));
        // the original Balor's path and body shape for the same
        rows.add(row("GET /api/certs", "/api/certs", Min.VIEWER, 200));
        rows.add(row("POST /api/certs", "/api/certs", Min.ADMIN, 201,
                n -> JSON.createObjectNode().put("name", n).put("cert_pem", pem).toString(), null));
        rows.add(row("GET /api/certs/{name}", "/api/certs/shared-cert", Min.VIEWER, 200));
        rows.add(row("DELETE /api/certs/{name}", "/api/certs/{n}", Min.ADMIN, 204, null, aCertificate));
        // logs
        rows.add(row("GET /api/logging", "/api/logging", Min.VIEWER, 200));
        rows.add(row("PUT /api/logging", "/api/logging", Min.ADMIN, 200, n -> "{\"trace_sample\": 5000}", null));
        rows.add(row("GET /api/logs", "/api/logs", Min.VIEWER, 200));
        rows.add(row("GET /api/logs/files", "/api/logs/files", Min.VIEWER, 200));
        rows.add(row("GET /api/logs/files/{name}", "/api/logs/files/events.log", Min.VIEWER, 200));
        // ACME (admins only): jobs on n.example.com, standalone, their CA a closed port
        Setup aJob = (admin, n) -> create(admin, "/api/acme/request", acmeRequest(n), 202);
        Setup aProvider = (admin, n) -> create(admin, "/api/acme/providers", dnsProvider(n));
        rows.add(row("GET /api/acme/jobs", "/api/acme/jobs", Min.ADMIN, 200));
        rows.add(row("GET /api/acme/jobs/{id}", "/api/acme/jobs/shared.example.com", Min.ADMIN, 200));
        rows.add(row("POST /api/acme/request", "/api/acme/request", Min.ADMIN, 202, RbacMatrixTest::acmeRequest, null));
        rows.add(row("POST /api/acme/jobs/{id}/renew", "/api/acme/jobs/{n}.example.com/renew", Min.ADMIN, 202, null,
                aJob));
        rows.add(row("DELETE /api/acme/jobs/{id}", "/api/acme/jobs/{n}.example.com", Min.ADMIN, 204, null, aJob));
        rows.add(row("POST /api/acme/renew_all", "/api/acme/renew_all", Min.ADMIN, 202));
        // the original Balor's ACME paths
        rows.add(row("POST /api/acme/schedule", "/api/acme/schedule", Min.ADMIN, 202, RbacMatrixTest::acmeRequest, null));
        rows.add(row("POST /api/acme/unschedule", "/api/acme/unschedule", Min.ADMIN, 204, RbacMatrixTest::acmeHost, aJob));
        rows.add(row("POST /api/acme/renew/{id}", "/api/acme/renew/{n}.example.com", Min.ADMIN, 202, null, aJob));
        rows.add(row("GET /api/acme/standalone", "/api/acme/standalone", Min.ADMIN, 200));
        rows.add(row("POST /api/acme/standalone", "/api/acme/standalone", Min.ADMIN, 202, RbacMatrixTest::acmeRequest,
                null));
        rows.add(row("POST /api/acme/standalone/renew", "/api/acme/standalone/renew", Min.ADMIN, 202,
                RbacMatrixTest::acmeHost, aJob));
        rows.add(row("POST /api/acme/standalone/delete", "/api/acme/standalone/delete", Min.ADMIN, 204,
                RbacMatrixTest::acmeHost, aJob));
        // DNS-01 providers
        rows.add(row("GET /api/acme/providers", "/api/acme/providers", Min.ADMIN, 200));
        rows.add(row("POST /api/acme/providers", "/api/acme/providers", Min.ADMIN, 201, RbacMatrixTest::dnsProvider,
                null));
        rows.add(row("GET /api/acme/providers/{name}", "/api/acme/providers/shared-dns", Min.ADMIN, 200));
        rows.add(row("PUT /api/acme/providers/{name}", "/api/acme/providers/{n}", Min.ADMIN, 200,
                n -> dnsProvider(n).replace("/hook", "/hook2"), aProvider));
        rows.add(row("DELETE /api/acme/providers/{name}", "/api/acme/providers/{n}", Min.ADMIN, 204, null, aProvider));
        return rows;
    }

    /** The tokens of the callers; a fresh session on request. */
    private static final class Callers {
        private final AdminFixture admin;
        private final String viewer;
        private final String operator;
        private final String adminSession;

        Callers(AdminFixture admin) throws Exception {
            this.admin = admin;
            viewer = admin.user("rbac-viewer", "viewer");
            operator = admin.user("rbac-operator", "operator");
            adminSession = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
        }

        String token(Caller caller, boolean fresh) throws Exception {
            return switch (caller) {
                case NOBODY -> null;
                case VIEWER -> fresh ? admin.login("rbac-viewer", "rbac-viewer-password") : viewer;
                case OPERATOR -> fresh ? admin.login("rbac-operator", "rbac-operator-password") : operator;
                case ADMIN -> fresh ? admin.login("admin", AdminFixture.ADMIN_PASSWORD) : adminSession;
                case ADMIN_TOKEN -> AdminFixture.ADMIN_TOKEN;
            };
        }
    }

    /** Shared resources the GET rows read. */
    private static void seed(AdminFixture admin, String pem) throws Exception {
        create(admin, "/api/pools", pool("shared-pool"));
        create(admin, "/api/listeners", listener("shared-listener"));
        create(admin, "/api/certificates", certificate("shared-cert", pem));
        create(admin, "/api/acme/request", acmeRequest("shared"), 202);
        create(admin, "/api/acme/providers", dnsProvider("shared-dns"));
        Path logs = admin.dir.resolve("data/logs");
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("events.log"), "{\"level\": \"info\", \"message\": \"rbac\"}\n");
    }

    @Test
    void everyRouteHasARowAndEveryRowARoute() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            Set<String> real = routes(admin).stream().map(Endpoint::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
            List<Row> rows = table("unused");
            Set<String> covered = rows.stream().map(Row::pattern).collect(Collectors.toCollection(TreeSet::new));
            Set<String> missing = new TreeSet<>(real);
            missing.removeAll(covered);
            Set<String> unknown = new TreeSet<>(covered);
            unknown.removeAll(real);
            assertTrue(missing.isEmpty(), "routes without a row in the RBAC table: " + missing);
            assertTrue(unknown.isEmpty(), "rows for routes that do not exist: " + unknown);
            for (Row row : rows) {
                assertTrue(matches(row.pattern(), row.path().replace("{n}", "x")),
                        row.path() + " is not a path of " + row.pattern());
            }
        }
    }

    @Test
    void everyRouteAnswersEachRoleAsTheIssueSays() throws Exception {
        String pem = selfSignedPem(dir.resolve("pki"));
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {   // else /api/acme/* but providers answer 503
            seed(admin, pem);
            Callers callers = new Callers(admin);
            Path stateFile = admin.dir.resolve("data/balor_state.json");
            List<String> failures = new ArrayList<>();
            List<Row> rows = table(pem);
            int calls = 0;
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                for (Caller caller : Caller.values()) {
                    String n = "r" + r + "-" + caller.shortName();
                    if (row.setup() != null) {
                        row.setup().create(admin, n);
                    }
                    String path = row.path().replace("{n}", n)
                            .replace("{latest}", Long.toString(admin.store.history().newest().id()));
                    String body = row.body() == null ? null : row.body().apply(n);
                    String what = row.method() + " " + path + " as " + caller;
                    String before = Files.readString(stateFile, StandardCharsets.UTF_8);
                    HttpResponse<String> response = admin.call(row.method(), path,
                            callers.token(caller, row.freshSession()), body);
                    calls++;
                    int status = response.statusCode();
                    if (caller.rank >= row.min().ordinal()) {
                        if (status != row.okStatus()) {
                            failures.add(what + ": expected " + row.okStatus() + ", got " + status + " " + response.body());
                        }
                    } else {
                        int denied = caller == Caller.NOBODY ? 401 : 403;
                        if (status != denied) {
                            failures.add(what + ": expected " + denied + ", got " + status + " " + response.body());
                        }
                        if (denied == 401 && response.headers().firstValue("WWW-Authenticate").isEmpty()) {
                            failures.add(what + ": 401 without WWW-Authenticate");
                        }
                        if (!before.equals(Files.readString(stateFile, StandardCharsets.UTF_8))) {
                            failures.add(what + ": refused, but the state file changed");
                        }
                    }
                }
            }
            assertEquals(rows.size() * Caller.values().length, calls);
            if (!failures.isEmpty()) {
                fail(failures.size() + " of " + calls + " calls answered wrongly:\n" + String.join("\n", failures));
            }
        }
    }

    @Test
    void usersAndPrivateKeysAreForAdminsOnly() throws Exception {
        String pem = selfSignedPem(dir.resolve("pki"));
        try (AdminFixture admin = new AdminFixture(dir)) {
            create(admin, "/api/certificates", certificate("secret-cert", pem));
            String viewer = admin.user("secret-viewer", "viewer");
            String operator = admin.user("secret-operator", "operator");
            for (String token : List.of(viewer, operator)) {
                HttpResponse<String> users = admin.call("GET", "/api/users", token, null);
                assertEquals(403, users.statusCode(), users.body());
                assertFalse(users.body().contains("secret-viewer"), users.body());
                assertEquals(403, admin.call("GET", "/api/users/secret-viewer", token, null).statusCode());
                HttpResponse<String> key = admin.call("GET", "/api/certificates/secret-cert?include_key=true", token, null);
                assertEquals(403, key.statusCode(), key.body());
                assertFalse(key.body().contains("PRIVATE KEY"), key.body());
                HttpResponse<String> chain = admin.call("GET", "/api/certificates/secret-cert", token, null);
                assertEquals(200, chain.statusCode(), chain.body());
                assertTrue(AdminFixture.json(chain).path("chain").asText().contains("BEGIN CERTIFICATE"), chain.body());
                assertFalse(chain.body().contains("PRIVATE KEY"), chain.body());
            }
            HttpResponse<String> key = admin.call("GET", "/api/certificates/secret-cert?include_key=true",
                    admin.login("admin", AdminFixture.ADMIN_PASSWORD), null);
            assertEquals(200, key.statusCode(), key.body());
            assertTrue(AdminFixture.json(key).path("key").asText().contains("PRIVATE KEY"), key.body());
        }
    }

    /** The seed's bug: a viewer could change the access log's sampling. */
    @Test
    void onlyAnAdminChangesTheSampling() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("log-viewer", "viewer");
            String operator = admin.user("log-operator", "operator");
            int before = AdminFixture.json(admin.call("GET", "/api/logging", viewer, null)).path("trace_sample").asInt();
            for (String token : List.of(viewer, operator)) {
                HttpResponse<String> put = admin.call("PUT", "/api/logging", token, "{\"trace_sample\": 1}");
                assertEquals(403, put.statusCode(), put.body());
            }
            assertEquals(401, admin.call("PUT", "/api/logging", null, "{\"trace_sample\": 1}").statusCode());
            assertEquals(before, AdminFixture.json(admin.call("GET", "/api/logging", viewer, null))
                    .path("trace_sample").asInt());
            assertTrue(admin.store.current().extras().get(LogsApi.TRACE_SAMPLE) == null,
                    "a refused change was saved");
            HttpResponse<String> put = admin.call("PUT", "/api/logging", AdminFixture.ADMIN_TOKEN, "{\"trace_sample\": 1}");
            assertEquals(200, put.statusCode(), put.body());
            assertEquals(1, AdminFixture.json(admin.call("GET", "/api/logging", viewer, null)).path("trace_sample").asInt());
        }
    }

    /** With BALOR_METRICS_AUTH=true the one route whose access depends on a setting needs a viewer. */
    @Test
    void metricsNeedAViewerWhenMetricsAuthIsOn() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir, true)) {
            HttpResponse<String> anonymous = admin.call("GET", "/metrics", null, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            String viewer = admin.user("metrics-viewer", "viewer");
            assertEquals(200, admin.call("GET", "/metrics", viewer, null).statusCode());
            assertEquals(200, admin.call("GET", "/metrics", AdminFixture.ADMIN_TOKEN, null).statusCode());
        }
    }

    /** The routes the running fixture's server was built from (the same function, on the same context). */
    private static List<Endpoint> routes(AdminFixture admin) {
        return AdminServer.routes(new AdminContext(admin.store, admin.server.authenticator(),
                admin.dir.resolve("data/certs"), admin.dir.resolve("data/logs"), admin.clock, false, "test", null));
    }

    /** Whether {@code path} (query aside) is one of {@code pattern}'s ("METHOD /a/{b}"). */
    private static boolean matches(String pattern, String path) {
        String[] want = pattern.substring(pattern.indexOf(' ') + 1).split("/", -1);
        int query = path.indexOf('?');
        String[] have = (query < 0 ? path : path.substring(0, query)).split("/", -1);
        if (want.length != have.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean param = want[i].startsWith("{") && want[i].endsWith("}");
            if (param ? have[i].isEmpty() : !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }

    /** A self-signed EC P-256 certificate and its PKCS#8 key, one PEM bundle, made by openssl. */
    private static String selfSignedPem(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "3650", "-subj", "/CN=rbac.test", "-addext", "subjectAltName=DNS:rbac.test")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.out").toFile()).start();
        if (!openssl.waitFor(60, TimeUnit.SECONDS)) {
            openssl.destroyForcibly();
            fail("openssl req did not finish");
        }
        assertEquals(0, openssl.exitValue(), () -> "openssl req failed: " + readQuietly(dir.resolve("openssl.out")));
        return Files.readString(cert, StandardCharsets.US_ASCII) + Files.readString(key, StandardCharsets.US_ASCII);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }
}
