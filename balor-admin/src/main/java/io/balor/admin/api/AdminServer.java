package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.balor.admin.acme.jobs.AcmeRunner;
import io.balor.admin.acme.jobs.AcmeSettings;
import io.balor.admin.auth.Authenticator;
import io.balor.admin.auth.Bootstrap;
import io.balor.admin.auth.HashingGate;
import io.balor.admin.auth.LoginThrottle;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.auth.SessionStore;
import io.balor.admin.auth.UserDirectory;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.http.ApiOptions;
import io.balor.admin.http.ApiServer;
import io.balor.admin.http.AuditRecord;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API, running: the users from the state file (an {@code admin} bootstrapped when there
 * are none), sessions, the routes of every part of the API, the audit file, and the
 * {@link ApiServer} they run on. {@link #start} and {@link #close} on the caller's thread; the
 * requests on the server's worker threads.
 */
public final class AdminServer implements AutoCloseable {

    /**
     * How to run it.
     *
     * @param bind                  {@code BALOR_HTTP_ADDR}
     * @param adminToken            {@code BALOR_ADMIN_TOKEN}, or null
     * @param defaultAdminPassword  {@code BALOR_DEFAULT_ADMIN_PASSWORD}, or null to generate one
     * @param bootstrapSecretFile   where a generated password goes ({@code BALOR_BOOTSTRAP_SECRET_FILE}), removed
     *                              when that user's password changes
     * @param certDir               {@code BALOR_CERT_DIR}
     * @param logDir                {@code BALOR_LOG_DIR} (log files, and {@code audit.log}), or null
     * @param logMaxBytes           rotation size of {@code audit.log}
     * @param logKeep               rotated audit files kept
     * @param metricsAuth           {@code BALOR_METRICS_AUTH}
     * @param hasher                how passwords are hashed ({@link PasswordHasher#PasswordHasher()} in production)
     * @param clock                 for sessions, throttling and audit times
     * @param build                 for {@code /api/version}
     * @param hostNames             {@code BALOR_ADMIN_HOSTS}: more names a request's {@code Host} may carry
     * @param sessionIdle           {@code BALOR_SESSION_IDLE_SECONDS}: a session unused this long ends
     * @param sessionMax            {@code BALOR_SESSION_MAX_SECONDS}: a session ends this long after its login
     * @param healthScriptDir       {@code BALOR_HEALTH_SCRIPT_DIR}, or null: script health checks are refused
     * @param consoleDir            {@code BALOR_ADMIN_DIST}: the web console's files, or null for the built-in ones
     * @param acme                  how the ACME jobs run ({@code BALOR_ACME_DIR}, ...), or null: none are run
     */
    public record Settings(InetSocketAddress bind, String adminToken, String defaultAdminPassword,
                           Path bootstrapSecretFile, Path certDir, Path logDir, long logMaxBytes, int logKeep,
                           boolean metricsAuth, PasswordHasher hasher, Clock clock, String build,
                           List<String> hostNames, java.time.Duration sessionIdle, java.time.Duration sessionMax,
                           Path healthScriptDir, Path consoleDir, AcmeSettings acme) {

        public Settings {
            hostNames = List.copyOf(hostNames);
        }

        /** Settings with no extra host names, the default session expiries and no script checks. */
        public Settings(InetSocketAddress bind, String adminToken, String defaultAdminPassword,
                        Path bootstrapSecretFile, Path certDir, Path logDir, long logMaxBytes, int logKeep,
                        boolean metricsAuth, PasswordHasher hasher, Clock clock, String build) {
            this(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir, logMaxBytes, logKeep,
                    metricsAuth, hasher, clock, build, List.of(), SessionStore.DEFAULT_IDLE,
                    SessionStore.DEFAULT_ABSOLUTE, null, null, null);
        }

        public Settings withHostNames(List<String> value) {
            return new Settings(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir,
                    logMaxBytes, logKeep, metricsAuth, hasher, clock, build, value, sessionIdle, sessionMax,
                    healthScriptDir, consoleDir, acme);
        }

        public Settings withSessions(java.time.Duration idle, java.time.Duration max) {
            return new Settings(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir,
                    logMaxBytes, logKeep, metricsAuth, hasher, clock, build, hostNames, idle, max, healthScriptDir,
                    consoleDir, acme);
        }

        public Settings withHealthScriptDir(Path value) {
            return new Settings(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir,
                    logMaxBytes, logKeep, metricsAuth, hasher, clock, build, hostNames, sessionIdle, sessionMax, value,
                    consoleDir, acme);
        }

        /** The web console's files from {@code value} ({@code BALOR_ADMIN_DIST}) instead of the built-in ones; null: built-in. */
        public Settings withConsoleDir(Path value) {
            return new Settings(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir,
                    logMaxBytes, logKeep, metricsAuth, hasher, clock, build, hostNames, sessionIdle, sessionMax,
                    healthScriptDir, value, acme);
        }

        /** The ACME jobs run with {@code value}; null: none are. */
        public Settings withAcme(AcmeSettings value) {
            return new Settings(bind, adminToken, defaultAdminPassword, bootstrapSecretFile, certDir, logDir,
                    logMaxBytes, logKeep, metricsAuth, hasher, clock, build, hostNames, sessionIdle, sessionMax,
                    healthScriptDir, consoleDir, value);
        }
    }

    private final ApiServer server;
    private final AuditFile audit;
    private final Authenticator auth;
    private final AcmeRunner acme;
    private final String bootstrapMessage;
    private final boolean https;
    private final java.time.Clock clock;

    private AdminServer(ApiServer server, AuditFile audit, Authenticator auth, String bootstrapMessage, boolean https,
                        java.time.Clock clock, AcmeRunner acme) {
        this.server = server;
        this.acme = acme;
        this.clock = clock;
        this.https = https;
        this.audit = audit;
        this.auth = auth;
        this.bootstrapMessage = bootstrapMessage;
    }

    /**
     * Loads the users from {@code store}'s state (creating the bootstrap admin, saved to the
     * state file, when there are none) and starts serving.
     *
     * @throws IOException if the address cannot be bound or the bootstrap file cannot be written
     * @throws StateFileException if the bootstrap admin cannot be saved
     * @throws io.balor.config.InvalidConfigException if the state's users section is invalid
     */
    public static AdminServer start(Settings settings, StateStore store) throws IOException, StateFileException {
        return start(settings, store, null);
    }

    /** {@link #start(Settings, StateStore)} over HTTPS with {@code tls}, or plain HTTP when it is null. */
    public static AdminServer start(Settings settings, StateStore store, javax.net.ssl.SSLContext tls)
            throws IOException, StateFileException {
        JsonNode section = store.current().extras().get(UsersApi.USERS);
        UserDirectory users = section == null ? new UserDirectory() : UsersSection.read(section, UsersApi.USERS);
        // Before the bootstrap, so a bad admin token refuses the start before anything is saved.
        SessionStore sessions = new SessionStore(settings.clock(), settings.sessionIdle(), settings.sessionMax(),
                SessionStore.DEFAULT_MAX_SESSIONS, SessionStore.DEFAULT_MAX_PER_USER, new java.security.SecureRandom());
        Authenticator auth = new Authenticator(users, sessions, settings.hasher(), new LoginThrottle(settings.clock()),
                new HashingGate(), settings.adminToken());
        String message = Bootstrap.ensureAdmin(users, settings.defaultAdminPassword(), settings.bootstrapSecretFile(),
                settings.hasher(), settings.clock());
        if (message != null) {
            store.change(state -> state.withExtra(UsersApi.USERS, UsersSection.write(users, JsonNodeFactory.instance)));
        }
        if (store.current().extras().containsKey(LogsApi.TRACE_SAMPLE)) {
            try {
                store.balor().accessLogSampling(LogsApi.sampling(store.current()));   // the saved setting wins
            } catch (IllegalStateException e) {
                // no access log: kept for when there is one
            }
        }
        AcmeRunner acme = settings.acme() == null ? null
                : AcmeRunner.start(settings.acme(), store, settings.certDir(), settings.clock());
        AdminContext context = new AdminContext(store, auth, settings.certDir(), settings.logDir(), settings.clock(),
                settings.metricsAuth(), settings.build(), settings.healthScriptDir(), settings.bootstrapSecretFile(),
                acme);
        auth.onRehash((username, oldHash, newHash) -> saveRehashed(store, username, oldHash, newHash));
        AuditFile audit = new AuditFile(settings.logDir(), settings.logMaxBytes(), settings.logKeep(), settings.clock());
        ApiOptions options = ApiOptions.defaults(request -> auth.authenticate(request.header("Authorization")), audit)
                .withClock(settings.clock()).withHostNames(settings.hostNames());
        io.balor.admin.console.ConsoleAssets console;
        try {
            console = settings.consoleDir() == null ? io.balor.admin.console.ConsoleAssets.builtIn()
                    : io.balor.admin.console.ConsoleAssets.directory(settings.consoleDir());
        } catch (IOException | RuntimeException e) {
            audit.close();
            closeQuietly(acme);
            throw new IllegalStateException("the web console's files (BALOR_ADMIN_DIST): " + e.getMessage(), e);
        }
        ApiServer server;
        try {
            server = ApiServer.start(settings.bind(), routes(context), options, tls, console);
        } catch (IOException | RuntimeException e) {
            audit.close();
            closeQuietly(acme);
            throw e;
        }
        return new AdminServer(server, audit, auth, message, tls != null, settings.clock(), acme);
    }

    private static void closeQuietly(AcmeRunner acme) {
        if (acme != null) {
            acme.close();
        }
    }

    /**
     * Saves a hash a login made stronger: in the state's own {@code users}, that one user's hash,
     * and only if it is still {@code oldHash} there (a user change saved meanwhile wins). A failure
     * only means it is made again at the next login.
     */
    private static void saveRehashed(StateStore store, String username, String oldHash, String newHash) {
        try {
            store.change(state -> {
                JsonNode section = state.extras().get(UsersApi.USERS);
                if (section == null || !section.isArray()) {
                    return state;
                }
                com.fasterxml.jackson.databind.node.ArrayNode users = (com.fasterxml.jackson.databind.node.ArrayNode)
                        section.deepCopy();
                for (JsonNode user : users) {
                    if (username.equals(user.path(UsersSection.USERNAME).asText(null))
                            && oldHash.equals(user.path(UsersSection.PASSWORD_HASH).asText(null))) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) user).put(UsersSection.PASSWORD_HASH, newHash);
                        return state.withExtra(UsersApi.USERS, users);
                    }
                }
                return state;
            });
        } catch (StateFileException | RuntimeException e) {
            System.getLogger(AdminServer.class.getName()).log(System.Logger.Level.WARNING,
                    "a stronger password hash could not be saved (the login will make it again): " + e.getMessage());
        }
    }

    /** Every route of the admin API, the index ({@code GET /api}) last. */
    static List<Endpoint> routes(AdminContext context) {
        List<Endpoint> routes = new ArrayList<>();
        routes.addAll(new SystemApi(context).routes());
        ConfigChanges changes = new ConfigChanges(context);
        routes.addAll(new ConfigApi(context, changes).routes());
        routes.addAll(new HistoryApi(context, changes).routes());
        routes.addAll(new ConfigTransferApi(context, changes).routes());
        routes.addAll(new UsersApi(context).routes());
        routes.addAll(new CertificatesApi(context).routes());
        routes.addAll(new LogsApi(context).routes());
        routes.addAll(new AcmeApi(context).routes());
        routes.addAll(new AcmeProvidersApi(context).routes());
        return IndexApi.withIndex(routes);
    }

    /** Where it listens (the real port when asked for port 0). */
    public InetSocketAddress address() {
        return server.address();
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return https ? "https" : "http";
    }

    /** What to tell the operator about a bootstrapped admin (where its password is), or null. */
    public String bootstrapMessage() {
        return bootstrapMessage;
    }

    /** The newest audit records, oldest first. */
    public List<AuditRecord> recentAudit() {
        return audit.recent();
    }

    public Authenticator authenticator() {
        return auth;
    }

    /**
     * Clears user {@code username}'s login throttle ({@code balorctl users unlock}, through the
     * daemon's control socket) and says so in the audit log: {@code "username": "balorctl",
     * "role": "local", "client": "local", "method": "UNLOCK", "path": "/control/unlock/NAME"}.
     *
     * @return whether there was a throttle to clear
     */
    public boolean unlock(String username) {
        boolean cleared = auth.unlock(username);
        String requestId = java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        audit.record(new AuditRecord(clock.instant(), requestId, "balorctl", "local", "local", "UNLOCK",
                "/control/unlock/" + username, 200, cleared ? "unlocked user " + username
                : "user " + username + " was not throttled", null, null));
        return cleared;
    }

    /** The ACME jobs' runner, or null when none are run. */
    public AcmeRunner acme() {
        return acme;
    }

    @Override
    public void close() {
        server.close();
        closeQuietly(acme);
        audit.close();
    }
}
