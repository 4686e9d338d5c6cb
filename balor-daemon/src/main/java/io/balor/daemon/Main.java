package io.balor.daemon;

import io.balor.AccessLogOptions;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.LogFile;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;
import io.balor.admin.api.AdminServer;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.http.ApiServer;
import io.balor.config.HostPort;
import io.balor.config.BalorConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code balor} process: reads the {@code BALOR_*} knobs, loads the state file, starts
 * {@link Balor} with its config and its access log, writes Balor's events to {@code events.log}
 * ({@link EventFile}), prints where each listener is bound, and runs until SIGTERM or SIGINT,
 * which drain the listeners before it exits 0. A log directory that cannot be written never stops
 * it: the lines are dropped and counted, and a warning goes to stderr.
 *
 * <p>Exit codes: 0 after a signal and a drain; 1 when the state file is corrupt or invalid (the
 * file is left untouched) or the config cannot start (e.g. an address is in use); 2 when a knob
 * has an invalid value. Runs on the main thread, which otherwise only waits.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(System.getenv(), System.out, System.err);
        } catch (RuntimeException | Error e) {
            // Exit even though event-loop threads may still be alive.
            System.err.print("balor: failed: ");
            e.printStackTrace();
            code = EXIT_FAILED;
        }
        System.exit(code);
    }

    /** Runs the daemon until a signal stops it; returns the exit code. */
    static int run(Map<String, String> environment, PrintStream out, PrintStream err) {
        DaemonEnv env;
        try {
            env = DaemonEnv.parse(environment);
        } catch (IllegalArgumentException e) {
            err.println("balor: invalid environment:\n  " + e.getMessage().replace("\n", "\n  "));
            return EXIT_USAGE;
        }
        for (String name : DaemonEnv.unknownVariables(environment)) {
            err.println("balor: warning: " + name + " is not a setting of this version (known: "
                    + String.join(", ", DaemonEnv.VARIABLES) + ")");
        }

        Path stateFile = env.stateFile().toAbsolutePath();
        boolean existed = Files.exists(stateFile);
        BalorState state;
        try {
            state = StateFile.load(stateFile);
        } catch (StateFileException e) {
            err.println("balor: " + e.getMessage());
            err.println("balor: not started; fix the file (or move it away to start empty) and start again");
            return EXIT_FAILED;
        }
        out.println("balor " + version() + ": " + env.loops() + " event loop" + (env.loops() == 1 ? "" : "s"));
        out.println("state file " + stateFile + (existed ? "" : " (created, empty)"));

        // Before start, so a signal that arrives while listeners are being bound still drains.
        ShutdownSignal shutdown = ShutdownSignal.install(err);
        Path logDir = env.logDir().toAbsolutePath();
        AccessLogOptions accessLog = AccessLogOptions.MEMORY.inDirectory(logDir)
                .withRotation(env.logMaxBytes(), env.logKeep()).withPermyriad(env.accessLogSampling());
        Balor balor;
        try {
            balor = Balor.start(state.config(), BalorOptions.defaults().withLoops(env.loops()).withAccessLog(accessLog));
        } catch (InvalidConfigException e) {
            err.println("balor: cannot start with " + stateFile + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        EventFile events = EventFile.start(balor,
                new LogFile(logDir, EventFile.NAME, env.logMaxBytes(), env.logKeep()));
        out.println("logs in " + logDir + ": access.log (" + sampling(env.accessLogSampling()) + "), "
                + EventFile.NAME);
        printListeners(balor, state.config(), stateFile, out);
        AdminServer admin;
        try {
            admin = startAdmin(env, environment.containsKey(DaemonEnv.HTTP_ADDR), new StateStore(stateFile, balor, state),
                    err);
        } catch (IOException | StateFileException | RuntimeException e) {
            err.println("balor: the admin API cannot start on " + env.adminAddress() + ": " + e.getMessage());
            balor.close();
            events.close();
            return EXIT_FAILED;
        }
        if (admin.bootstrapMessage() != null) {
            out.println(admin.bootstrapMessage());
        }
        out.println("admin API on " + admin.scheme() + "://" + describe(admin.address()) + "/api");
        out.println("ready: SIGTERM or SIGINT drains the listeners and stops");

        String signal = shutdown.await();
        out.println(signal + ": draining");
        admin.close();
        balor.close();
        events.close();
        if (balor.accessLogDropped() > 0 || events.dropped() > 0) {
            err.println("balor: warning: " + balor.accessLogDropped() + " access-log lines and " + events.dropped()
                    + " events were not written to " + logDir);
        }
        out.println("stopped");
        return EXIT_OK;
    }

    /**
     * Starts the admin API, with jdk.httpserver's timeouts and limits set first (they are JVM-wide
     * properties read once). It binds the state file's {@code admin_console.bind} (set through
     * {@code PUT /api/admin/console}) unless {@code BALOR_HTTP_ADDR} is set, which wins, else
     * {@code 0.0.0.0:9443}; it serves HTTPS when {@code admin_console} names a certificate
     * (relative paths are relative to the state file's directory). Saved settings that do not
     * work (a certificate that no longer loads, an address in use) are reported on {@code err}
     * and the API starts as if there were none: the load balancer never stays down for them.
     */
    private static AdminServer startAdmin(DaemonEnv env, boolean addressGiven, StateStore store, PrintStream err)
            throws IOException, StateFileException {
        ApiServer.applyTimeoutDefaults();
        AdminServer.Settings defaults = settings(env, env.adminAddress());
        try {
            AdminServer saved = startSaved(env, addressGiven, store);
            if (saved != null) {
                return saved;
            }
        } catch (IOException | RuntimeException e) {
            err.println("balor: warning: the saved admin console settings do not work (" + e.getMessage()
                    + "); serving the admin API on " + env.adminAddress() + " over plain HTTP instead");
        }
        return AdminServer.start(defaults, store);
    }

    private static AdminServer.Settings settings(DaemonEnv env, HostPort bind) {
        return new AdminServer.Settings(new InetSocketAddress(bind.host(), bind.port()),
                env.adminToken(), env.defaultAdminPassword(), env.bootstrapSecretFile().toAbsolutePath(),
                env.certDir().toAbsolutePath(), env.logDir().toAbsolutePath(), env.logMaxBytes(), env.logKeep(),
                env.metricsAuth(), new PasswordHasher(), Clock.systemUTC(), version());
    }

    /** The admin API on the saved console settings, or null when there are none to use. */
    private static AdminServer startSaved(DaemonEnv env, boolean addressGiven, StateStore store)
            throws IOException, StateFileException {
        com.fasterxml.jackson.databind.JsonNode console = store.current().extras().get("admin_console");
        if (console == null || !console.isObject()) {
            return null;
        }
        HostPort bind = env.adminAddress();
        if (!addressGiven && console.hasNonNull("bind")) {
            HostPort.Parsed saved = HostPort.parseListen(console.get("bind").asText());
            if (saved.error() != null) {
                throw new IllegalArgumentException("admin_console.bind: " + saved.error());
            }
            bind = saved.value();
        }
        javax.net.ssl.SSLContext tls = null;
        if (console.hasNonNull("cert_file")) {
            Path dir = store.file().getParent();
            Path cert = dir.resolve(console.get("cert_file").asText());
            Path key = dir.resolve(console.path("key_file").asText(console.get("cert_file").asText()));
            tls = io.balor.CertificateFiles.serverContext(cert, key);
        }
        return AdminServer.start(settings(env, bind), store, tls);
    }

    /** {@code every exchange}, or {@code 25.00 % of exchanges}. */
    static String sampling(int permyriad) {
        return permyriad >= 10_000 ? "every exchange"
                : permyriad / 100 + "." + permyriad % 100 / 10 + permyriad % 10 + " % of exchanges";
    }

    private static void printListeners(Balor balor, BalorConfig config, Path stateFile, PrintStream out) {
        if (config.listeners().isEmpty()) {
            out.println("no listeners yet: add them to " + stateFile);
        }
        for (ListenerConfig listener : config.listeners()) {
            String tls = listener.terminatesTls() ? ", tls" : listener.passesTlsThrough() ? ", tls passthrough" : "";
            String head = "listener " + listener.name() + " (" + listener.protocol().wireName() + tls + ")";
            String where = listener.enabled() ? "on " + describe(balor.boundAddress(listener.name())) : "disabled";
            out.println(head + " " + where + " -> " + target(listener));
        }
    }

    /**
     * Where a listener's traffic goes: {@code pool web}, {@code upstreams a, b}, or for an HTTP
     * listener with routes {@code routes: api.example.com -> api, *.shop/cart/ -> shop; default pool web}.
     */
    static String target(ListenerConfig listener) {
        String fallback;
        if (listener.pool() != null) {
            fallback = "pool " + listener.pool();
        } else if (!listener.upstreams().isEmpty()) {
            List<String> addresses = new ArrayList<>();
            for (UpstreamConfig upstream : listener.upstreams()) {
                addresses.add(upstream.address());
            }
            fallback = "upstreams " + String.join(", ", addresses);
        } else {
            fallback = null;
        }
        if (listener.http().routes().isEmpty()) {
            return fallback != null ? fallback : "nothing";
        }
        List<String> routes = new ArrayList<>();
        for (RouteConfig route : listener.http().routes()) {
            routes.add(route.host() + (route.pathPrefix() != null ? route.pathPrefix() : "") + " -> " + route.pool());
        }
        String none = listener.protocol() == Protocol.HTTP ? "no default (404)" : "no default (closed)";
        return (listener.protocol() == Protocol.HTTP ? "routes: " : "routes by TLS server name: ")
                + String.join(", ", routes) + "; " + (fallback != null ? "default " + fallback : none);
    }

    /** {@code ip:port}, IPv6 in brackets. */
    static String describe(InetSocketAddress address) {
        if (address == null) {
            return "(not bound)";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
