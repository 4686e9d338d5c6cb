package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.AccessLogOptions;
import io.balor.admin.acme.jobs.AcmeSettings;
import io.balor.admin.auth.MutableClock;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateStore;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A running admin API for tests: a {@link Balor} (one loop, an in-memory access log), its state
 * file in {@code dir}, the {@link AdminServer} on 127.0.0.1 with an ephemeral port, a test clock,
 * fast password hashing (1,000 iterations), the admin token {@link #ADMIN_TOKEN} and the
 * bootstrap admin's password {@link #ADMIN_PASSWORD}, script health checks off unless a
 * directory of check programs is given; and a {@code java.net.http} client to call it. Close it
 * after the test (closing twice is harmless).
 */
public final class AdminFixture implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path dir;
    public final MutableClock clock = new MutableClock();
    public final Balor balor;
    public final StateStore store;
    public final AdminServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts everything with its files under {@code dir}; {@code metricsAuth} as BALOR_METRICS_AUTH. */
    public AdminFixture(Path dir, boolean metricsAuth) throws Exception {
        this(dir, metricsAuth, null, null);
    }

    public AdminFixture(Path dir) throws Exception {
        this(dir, false);
    }

    /**
     * Starts everything with {@code healthScriptDir} as BALOR_HEALTH_SCRIPT_DIR, given to both the
     * core ({@link BalorOptions#withHealthScriptDir}) and the API
     * ({@link AdminServer.Settings#withHealthScriptDir}), as the daemon does; null: script checks are off.
     */
    public AdminFixture(Path dir, Path healthScriptDir) throws Exception {
        this(dir, false, healthScriptDir, null);
    }

    /**
     * Starts everything with the ACME jobs run ({@link AdminServer.Settings#withAcme}), their
     * account key and statuses in {@code dir/data/acme}, as the daemon does with BALOR_ACME_DIR.
     */
    public static AdminFixture withAcme(Path dir) throws Exception {
        return withAcme(dir, AcmeSettings.in(dir.resolve("data/acme")));
    }

    /** Starts everything with the ACME jobs run with {@code settings}. */
    public static AdminFixture withAcme(Path dir, AcmeSettings settings) throws Exception {
        return new AdminFixture(dir, false, null, settings);
    }

    private AdminFixture(Path dir, boolean metricsAuth, Path healthScriptDir, AcmeSettings acme) throws Exception {
        this.dir = dir;
        Path stateFile = dir.resolve("data/balor_state.json");
        BalorState loaded = StateFile.load(stateFile);
        balor = Balor.start(loaded.config(), BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY)
                .withHealthScriptDir(healthScriptDir));
        store = new StateStore(stateFile, balor, loaded);
        server = AdminServer.start(new AdminServer.Settings(new InetSocketAddress("127.0.0.1", 0), ADMIN_TOKEN,
                ADMIN_PASSWORD, dir.resolve("data/admin-bootstrap.txt"), dir.resolve("data/certs"),
                dir.resolve("data/logs"), 1 << 20, 2, metricsAuth, new PasswordHasher(1_000, new SecureRandom()),
                clock, "test").withHealthScriptDir(healthScriptDir).withAcme(acme), store);
    }

    public URI uri(String path) {
        InetSocketAddress address = server.address();
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    /** One call: {@code token} as a bearer token (null: none), {@code json} as the body (null: none). */
    public HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs {@code username} in and returns its token (fails the test if it cannot). */
    public String login(String username, String password) throws Exception {
        HttpResponse<String> response = call("POST", "/api/login", null,
                "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
        if (response.statusCode() != 200) {
            throw new AssertionError("login of " + username + ": " + response.statusCode() + " " + response.body());
        }
        return json(response).get("token").asText();
    }

    /** Creates a user with the admin token and logs it in; returns its token. */
    public String user(String username, String role) throws Exception {
        String password = username + "-password";
        HttpResponse<String> created = call("POST", "/api/users", ADMIN_TOKEN, "{\"username\": \"" + username
                + "\", \"password\": \"" + password + "\", \"role\": \"" + role + "\"}");
        if (created.statusCode() != 201) {
            throw new AssertionError("creating " + username + ": " + created.statusCode() + " " + created.body());
        }
        return login(username, password);
    }

    /** POSTs {@code body} to {@code path} with the admin token; fails the test unless it is created (201). */
    public JsonNode create(String path, String body) throws Exception {
        HttpResponse<String> response = call("POST", path, ADMIN_TOKEN, body);
        if (response.statusCode() != 201) {
            throw new AssertionError(path + " " + body + ": " + response.statusCode() + " " + response.body());
        }
        return json(response);
    }

    /** Pool {@code app} of the one {@code upstream}, and HTTP listener {@code web} on it (port 0); the listener as created. */
    public JsonNode webListener(String upstream) throws Exception {
        create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + upstream + "\"]}");
        return create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
    }

    public static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        server.close();
        balor.close();
    }
}
