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
import io.balor.admin.state.ScriptChecks;
import io.balor.config.BalorConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code balor} process: reads the {@code BALOR_*} knobs, loads the state file, starts
 * {@link Balor} with its config and its access log, writes Balor's events to {@code events.log}
 * ({@link EventFile}), prints where each listener is bound, starts the admin API
 * ({@link AdminStart}) and the control socket ({@link ControlSocket}), and runs until SIGTERM or
 * SIGINT, which drain the listeners before it exits 0. A log directory that cannot be written
 * never stops it: the lines are dropped and counted, and a warning goes to stderr. Secret files
 * others may read are warned about ({@link SecretFiles}).
 *
 * <p>Exit codes: 0 after a signal and a drain; 1 when the state file is corrupt or invalid (the
 * file is left untouched), the config cannot start (e.g. an address is in use, a script check
 * outside {@code BALOR_HEALTH_SCRIPT_DIR}), the admin API cannot start as its settings say, or
 * {@code BALOR_STRICT_MODES=true} and a secret file is open to others; 2 when a knob has an
 * invalid value. Runs on the main thread, which otherwise only waits.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** How often the main thread looks for a dead event loop while it waits for a signal. */
    private static final long LOOP_CHECK_MILLIS = 1_000;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("balor " + version());
            System.exit(EXIT_OK);
        }
        if (args.length > 0) {
            System.err.println("balor: takes no arguments but --version; it is configured with BALOR_* variables"
                    + " (see the README) and the state file");
            System.exit(EXIT_USAGE);
        }
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
        String challengeDir = environment.get(DaemonEnv.ACME_CHALLENGE_DIR);
        if (challengeDir != null && !challengeDir.isEmpty()) {
            err.println("balor: notice: " + DaemonEnv.ACME_CHALLENGE_DIR + " is no longer used: HTTP-01 tokens are"
                    + " answered from memory by every HTTP listener (the ACME account and jobs are in "
                    + DaemonEnv.ACME_DIR + ")");
        }

        Path stateFile = env.stateFile().toAbsolutePath();
        if (io.balor.FileModes.writableByOthers(stateFile.getParent())) {
            err.println("balor: the state file's directory " + stateFile.getParent() + " can be written by others ("
                    + io.balor.FileModes.looseBits(stateFile.getParent()) + "): they could replace the state file, or"
                    + " the logs, certificates, bootstrap file and control socket kept beside it. Put the state file in"
                    + " a directory of its own (mkdir -m 700) and start again");
            return EXIT_FAILED;
        }
        // Before anything saves. A temp file there is a save killed between write and rename;
        // the only other writer, a balorctl users command saving at this very moment, would see
        // its rename fail and say so, with the file intact.
        List<Path> interrupted;
        try {
            interrupted = StateFile.removeInterruptedSaves(stateFile);
        } catch (StateFileException e) {
            err.println("balor: warning: " + e.getMessage());
            interrupted = List.of();
        }
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
        if (!interrupted.isEmpty()) {
            out.println("removed " + interrupted.size() + " temp file" + (interrupted.size() == 1 ? "" : "s")
                    + " of interrupted saves beside the state file (." + stateFile.getFileName() + ".*.tmp)");
        }
        if (!checkSecretFiles(env, stateFile, state, err)) {
            return EXIT_FAILED;
        }
        List<io.balor.config.ConfigProblem> scripts = ScriptChecks.problems(state.config(), scriptDir(env));
        if (!scripts.isEmpty()) {
            err.println("balor: cannot start with " + stateFile + ": " + new InvalidConfigException(scripts).getMessage());
            return EXIT_FAILED;
        }

        warmUpLogging();
        // Before start, so a signal that arrives while listeners are being bound still drains.
        ShutdownSignal shutdown = ShutdownSignal.install(err);
        StateReload.ignoreUntilReady(err);
        Path logDir = env.logDir().toAbsolutePath();
        Integer saved = savedSampling(state);
        int sampling = saved != null ? saved : env.accessLogSampling();
        if (saved != null && hasValue(environment, DaemonEnv.ACCESS_LOG_SAMPLING) && saved != env.accessLogSampling()) {
            err.println("balor: warning: " + DaemonEnv.ACCESS_LOG_SAMPLING + "=" + env.accessLogSampling() + " is not"
                    + " used: the state file's trace_sample (" + saved + ", set with PUT /api/logging) is");
        }
        AccessLogOptions accessLog = AccessLogOptions.MEMORY.inDirectory(logDir)
                .withRotation(env.logMaxBytes(), env.logKeep()).withPermyriad(sampling);
        Balor balor;
        try {
            balor = Balor.start(state.config(), BalorOptions.defaults().withLoops(env.loops()).withAccessLog(accessLog)
                    .withHealthScriptDir(scriptDir(env)));
        } catch (InvalidConfigException e) {
            err.println("balor: cannot start with " + stateFile + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        EventFile events = EventFile.start(balor,
                new LogFile(logDir, EventFile.NAME, env.logMaxBytes(), env.logKeep()));
        out.println("logs in " + logDir + ": access.log (" + sampling(sampling)
                + (saved != null ? ", the state file's trace_sample" : "") + "), " + EventFile.NAME);
        printListeners(balor, state.config(), stateFile, out);
        AdminServer admin;
        StateStore store;
        try {
            store = new StateStore(stateFile, balor, state);
            admin = AdminStart.start(env, hasValue(environment, DaemonEnv.HTTP_ADDR), store, version(), err);
        } catch (AdminStart.Refused e) {
            err.println("balor: " + e.getMessage());
            balor.close();
            events.close();
            return EXIT_FAILED;
        }
        if (admin.bootstrapMessage() != null) {
            out.println(admin.bootstrapMessage());
        } else if (env.defaultAdminPassword() != null) {
            err.println("balor: warning: " + DaemonEnv.DEFAULT_ADMIN_PASSWORD + " is set but not used (there are users"
                    + " already); unset it");
        }
        // GET /api answers the index of the API, public: the URL printed works as it is.
        out.println("admin API on " + admin.scheme() + "://" + describe(admin.address()) + "/api");
        ControlSocket control = null;
        try {
            control = ControlSocket.start(env.controlSocket(), admin);
            out.println("control socket " + env.controlSocket().toAbsolutePath() + " (balorctl users unlock)");
        } catch (IOException e) {
            err.println("balor: warning: no control socket at " + env.controlSocket().toAbsolutePath() + " ("
                    + e.getMessage() + "); balorctl users unlock will not reach this daemon");
        }
        StateReload.install(store, out, err, reloaded -> printListeners(balor, reloaded.config(), stateFile, out));
        out.println("ready: SIGTERM or SIGINT drains the listeners and stops; SIGHUP re-reads " + stateFile);

        String deadLoop = null;
        String signal;
        while ((signal = shutdown.await(LOOP_CHECK_MILLIS)) == null) {
            deadLoop = deadLoop(balor);
            if (deadLoop != null) {
                break;
            }
        }
        // The listeners first: the admin API takes up to a second to stop.
        try {
            balor.stopAccepting();
        } catch (RuntimeException e) {
            err.println("balor: warning: not every listener could be stopped at once (" + e.getMessage()
                    + "); stopping the rest");
        }
        if (deadLoop != null) {
            shutdown.stopping(deadLoop);   // a signal from now on stops at once, as while draining
            err.println("balor: " + deadLoop + "; stopping (exit 1) so that a supervisor starts Balor again");
        } else {
            out.println(signal + ": not accepting any more; draining");
        }
        if (control != null) {
            control.close();
        }
        admin.close();
        balor.close();
        events.close();
        if (balor.accessLogDropped() > 0 || events.dropped() > 0) {
            err.println("balor: warning: " + balor.accessLogDropped() + " access-log lines and " + events.dropped()
                    + " events were not written to " + logDir);
        }
        out.println("stopped");
        return deadLoop == null ? EXIT_OK : EXIT_FAILED;
    }

    /**
     * Formats one record as the JDK's console handler will ({@code SimpleFormatter}: the local
     * time, a stack trace), so that the first real line (perhaps "Too many open files", logged
     * by an event loop) needs no file and no class loaded then. Core does the rest at start
     * ({@code io.balor.log.LoggingWarmUp}).
     */
    private static void warmUpLogging() {
        java.util.logging.LogRecord record = new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "warm-up");
        record.setThrown(new IllegalStateException("warm-up"));
        new java.util.logging.SimpleFormatter().format(record);
        // The root handlers (the console's) are made on first use: make them now, and their formatters run once.
        for (java.util.logging.Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
            if (handler.getFormatter() != null) {
                handler.getFormatter().format(record);
            }
        }
    }

    /**
     * A dead event loop in words, or null. A dead loop's connections are gone and its listeners
     * accept no more: half a Balor is worse than a restart, so the daemon stops when it sees one.
     */
    private static String deadLoop(Balor balor) {
        for (io.balor.LoopHealth loop : balor.loopHealth()) {
            if (io.balor.LoopHealth.DEAD.equals(loop.state())) {
                return "event loop " + loop.thread() + " " + loop.problem();
            }
        }
        return null;
    }

    /**
     * Warns about each secret file others may read ({@link SecretFiles}); with
     * {@code BALOR_STRICT_MODES=true}, refuses to start instead. Whether to go on.
     */
    private static boolean checkSecretFiles(DaemonEnv env, Path stateFile, BalorState state, PrintStream err) {
        List<String> open = SecretFiles.tooOpen(stateFile, env.bootstrapSecretFile().toAbsolutePath(), state);
        for (String problem : open) {
            err.println("balor: " + (env.strictModes() ? "" : "warning: ") + problem);
        }
        if (!open.isEmpty() && env.strictModes()) {
            err.println("balor: not started: " + DaemonEnv.STRICT_MODES + "=true and others may read these files");
            return false;
        }
        return true;
    }

    /**
     * The access log's sampling saved with {@code PUT /api/logging} (the state file's
     * {@code trace_sample}, checked at load to be 1..10000), or null: then
     * {@code BALOR_ACCESS_LOG_SAMPLING} is used. The saved setting wins, as the admin API applies it.
     */
    static Integer savedSampling(BalorState state) {
        com.fasterxml.jackson.databind.JsonNode value = state.extras().get("trace_sample");
        return value == null || !value.canConvertToInt() ? null : value.intValue();
    }

    private static boolean hasValue(Map<String, String> environment, String name) {
        return environment.get(name) != null && !environment.get(name).isEmpty();
    }

    private static Path scriptDir(DaemonEnv env) {
        return env.healthScriptDir() == null ? null : env.healthScriptDir().toAbsolutePath();
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
