package io.balor.daemon;

import io.balor.config.HostPort;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The daemon's knobs, read from {@code BALOR_*} environment variables with the original
 * Balor's names and defaults. Parsed from a plain map so tests need no real environment; parsing
 * touches no file. An empty value counts as unset (systemd env files often carry {@code KEY=}).
 * Immutable; read on the main thread at start-up.
 *
 * <p>The data a daemon keeps (certificates, logs, the bootstrap secret, the control socket, the
 * ACME account and job statuses) defaults to the state file's directory, as each knob's default below says
 * ({@link #besideStateFile}): with {@code BALOR_STATE_FILE} elsewhere, two daemons on two state
 * files share nothing unless told to. With the default state file that directory is {@code data}.
 * A knob set explicitly wins; a relative value is taken from the working directory.
 *
 * @param stateFile            {@code BALOR_STATE_FILE}, default {@code data/balor_state.json}
 * @param adminAddress         {@code BALOR_HTTP_ADDR}, default {@code 127.0.0.1:9443} (as Caddy's admin
 *                             endpoint: loopback unless asked): where the admin API listens
 * @param loops                {@code BALOR_LOOPS}: event loops, default the available processors
 * @param certDir              {@code BALOR_CERT_DIR}, default {@code certs} beside the state file
 * @param acmeDir              {@code BALOR_ACME_DIR}, default {@code acme} beside the state file: the ACME account
 *                             key and the jobs' statuses (mode 700)
 * @param acmeCaFile           {@code BALOR_ACME_CA_FILE}: PEM certificates to trust, besides the JDK's, when talking
 *                             to an ACME server (Pebble, a private CA such as step-ca), or null
 * @param acmeEab              {@code BALOR_ACME_EAB_KID} and {@code BALOR_ACME_EAB_HMAC_KEY}: External Account
 *                             Binding for CAs that require it (both or neither), or null
 * @param acmeDisabled         {@code BALOR_ACME_DISABLED}, default false: true runs no ACME jobs (a standby, a
 *                             host without outbound access); their statuses and certificates stay as they are
 * @param adminDist            {@code BALOR_ADMIN_DIST}: console files to serve instead of the built-in
 *                             ones, or null
 * @param defaultAdminPassword {@code BALOR_DEFAULT_ADMIN_PASSWORD}: the bootstrap admin's password, or
 *                             null to generate one into {@code bootstrapSecretFile}
 * @param adminToken           {@code BALOR_ADMIN_TOKEN}: a bearer token with the admin role, or null
 * @param bootstrapSecretFile  {@code BALOR_BOOTSTRAP_SECRET_FILE}, default {@code admin-bootstrap.txt} beside the
 *                             state file
 * @param logDir               {@code BALOR_LOG_DIR}, default {@code logs} beside the state file: where {@code access.log} and
 *                             {@code events.log} (and their rotated files) go
 * @param logMaxBytes          {@code BALOR_LOG_MAX_BYTES}, default 64 MiB, at least 1 KiB: a log file past this
 *                             size is rotated
 * @param logKeep              {@code BALOR_LOG_KEEP}, default 5, 0..1000: rotated files kept of each log
 * @param accessLogSampling    {@code BALOR_ACCESS_LOG_SAMPLING}: exchanges per 10,000 the access log keeps,
 *                             default 10,000 (all); 1..10,000, anything else refused (exit 2)
 * @param metricsAuth          {@code BALOR_METRICS_AUTH}, default false: {@code /metrics} needs a viewer token
 * @param adminHosts           {@code BALOR_ADMIN_HOSTS}: comma-separated names (or addresses) a request's
 *                             {@code Host} may carry besides the bind address, localhost, 127.0.0.1 and [::1]
 * @param healthScriptDir      {@code BALOR_HEALTH_SCRIPT_DIR}: the only directory script health checks may
 *                             run programs from; unset (the default), script checks are refused
 * @param sessionIdle          {@code BALOR_SESSION_IDLE_SECONDS}, default 1800 (30 min, or {@code sessionMax} when
 *                             that is shorter): an unused session ends
 * @param sessionMax           {@code BALOR_SESSION_MAX_SECONDS}, default 43200 (12 h): a session's longest life
 * @param strictModes          {@code BALOR_STRICT_MODES}, default false: true refuses to start when the state file,
 *                             the bootstrap file or a key file can be read by others (false: a warning)
 * @param controlSocket        {@code BALOR_CONTROL_SOCKET}, default {@code control.sock} beside the state file: the owner-only
 *                             Unix socket {@code balorctl users unlock} talks to
 */
public record DaemonEnv(Path stateFile, HostPort adminAddress, int loops, Path certDir, Path acmeDir, Path acmeCaFile,
                        io.balor.admin.acme.ExternalAccountBinding acmeEab, boolean acmeDisabled,
                        Path adminDist, String defaultAdminPassword, String adminToken,
                        Path bootstrapSecretFile, Path logDir, long logMaxBytes, int logKeep,
                        int accessLogSampling, boolean metricsAuth, List<String> adminHosts, Path healthScriptDir,
                        java.time.Duration sessionIdle, java.time.Duration sessionMax, boolean strictModes,
                        Path controlSocket) {

    public static final String STATE_FILE = "BALOR_STATE_FILE";
    public static final String HTTP_ADDR = "BALOR_HTTP_ADDR";
    public static final String LOOPS = "BALOR_LOOPS";
    public static final String CERT_DIR = "BALOR_CERT_DIR";
    public static final String ACME_DIR = "BALOR_ACME_DIR";
    public static final String ACME_CA_FILE = "BALOR_ACME_CA_FILE";
    public static final String ACME_EAB_KID = "BALOR_ACME_EAB_KID";
    public static final String ACME_EAB_HMAC_KEY = "BALOR_ACME_EAB_HMAC_KEY";
    public static final String ACME_DISABLED = "BALOR_ACME_DISABLED";
    /** The original's HTTP-01 token directory: read past (tokens are answered from memory), with a notice. */
    public static final String ACME_CHALLENGE_DIR = "BALOR_ACME_CHALLENGE_DIR";
    public static final String ADMIN_DIST = "BALOR_ADMIN_DIST";
    public static final String DEFAULT_ADMIN_PASSWORD = "BALOR_DEFAULT_ADMIN_PASSWORD";
    public static final String ADMIN_TOKEN = "BALOR_ADMIN_TOKEN";
    public static final String BOOTSTRAP_SECRET_FILE = "BALOR_BOOTSTRAP_SECRET_FILE";
    public static final String LOG_DIR = "BALOR_LOG_DIR";
    public static final String LOG_MAX_BYTES = "BALOR_LOG_MAX_BYTES";
    public static final String LOG_KEEP = "BALOR_LOG_KEEP";
    public static final String ACCESS_LOG_SAMPLING = "BALOR_ACCESS_LOG_SAMPLING";
    public static final String METRICS_AUTH = "BALOR_METRICS_AUTH";
    public static final String ADMIN_HOSTS = "BALOR_ADMIN_HOSTS";
    public static final String HEALTH_SCRIPT_DIR = "BALOR_HEALTH_SCRIPT_DIR";
    public static final String SESSION_IDLE_SECONDS = "BALOR_SESSION_IDLE_SECONDS";
    public static final String SESSION_MAX_SECONDS = "BALOR_SESSION_MAX_SECONDS";
    public static final String STRICT_MODES = "BALOR_STRICT_MODES";
    public static final String CONTROL_SOCKET = "BALOR_CONTROL_SOCKET";
    /** The default of {@code BALOR_STATE_FILE}. */
    public static final String DEFAULT_STATE_FILE = "data/balor_state.json";
    /** The names of the default data files and directories, beside the state file ({@link #besideStateFile}). */
    static final String CERTS = "certs";
    static final String ACME = "acme";
    static final String BOOTSTRAP_FILE = "admin-bootstrap.txt";
    static final String LOGS = "logs";
    /** The default of {@code BALOR_CONTROL_SOCKET} beside the state file, which balorctl uses too. */
    static final String CONTROL_SOCKET_FILE = "control.sock";

    /** Every variable this version reads. */
    public static final List<String> VARIABLES = List.of(STATE_FILE, HTTP_ADDR, LOOPS, CERT_DIR, ACME_DIR, ACME_CA_FILE,
            ACME_EAB_KID, ACME_EAB_HMAC_KEY, ACME_DISABLED, ACME_CHALLENGE_DIR, ADMIN_DIST, DEFAULT_ADMIN_PASSWORD, ADMIN_TOKEN, BOOTSTRAP_SECRET_FILE, LOG_DIR, LOG_MAX_BYTES, LOG_KEEP,
            ACCESS_LOG_SAMPLING, METRICS_AUTH, ADMIN_HOSTS, HEALTH_SCRIPT_DIR, SESSION_IDLE_SECONDS,
            SESSION_MAX_SECONDS, STRICT_MODES, CONTROL_SOCKET);

    /** The most event loops {@link io.balor.BalorOptions} accepts. */
    static final int MAX_LOOPS = 1024;
    /** The limits {@link io.balor.AccessLogOptions} and {@link io.balor.LogFile} accept. */
    static final long MIN_LOG_BYTES = 1024;
    static final int MAX_LOG_KEEP = 1000;

    /**
     * Reads the knobs from {@code env}.
     *
     * @throws IllegalArgumentException naming every variable with an invalid value, one per line
     */
    public static DaemonEnv parse(Map<String, String> env) {
        Reader reader = new Reader(env);
        long sessionMax = reader.whole(SESSION_MAX_SECONDS, 43_200, 60, 30 * 86_400,
                "must be a whole number of seconds from 60 to 2592000 (30 days)");
        Path stateFile = reader.path(STATE_FILE, Path.of(DEFAULT_STATE_FILE));
        Path state = stateFile == null ? Path.of(DEFAULT_STATE_FILE) : stateFile;   // invalid: reported below
        DaemonEnv parsed = new DaemonEnv(
                stateFile,
                reader.address(HTTP_ADDR, "127.0.0.1:9443"),
                reader.loops(LOOPS, Math.min(Runtime.getRuntime().availableProcessors(), MAX_LOOPS)),
                reader.path(CERT_DIR, besideStateFile(state, CERTS)),
                reader.path(ACME_DIR, besideStateFile(state, ACME)),
                reader.path(ACME_CA_FILE, null),
                reader.binding(ACME_EAB_KID, ACME_EAB_HMAC_KEY),
                reader.flag(ACME_DISABLED),
                reader.path(ADMIN_DIST, null),
                reader.password(DEFAULT_ADMIN_PASSWORD),
                reader.token(ADMIN_TOKEN),
                reader.path(BOOTSTRAP_SECRET_FILE, besideStateFile(state, BOOTSTRAP_FILE)),
                reader.path(LOG_DIR, besideStateFile(state, LOGS)),
                reader.whole(LOG_MAX_BYTES, 64L << 20, MIN_LOG_BYTES, Long.MAX_VALUE,
                        "must be a whole number of bytes, at least " + MIN_LOG_BYTES + " (1 KiB)"),
                (int) reader.whole(LOG_KEEP, 5, 0, MAX_LOG_KEEP,
                        "must be a whole number of rotated files from 0 to " + MAX_LOG_KEEP),
                (int) reader.whole(ACCESS_LOG_SAMPLING, 10_000, 1, 10_000,
                        "must be a whole number of exchanges per 10000 to log, from 1 to 10000"),
                reader.flag(METRICS_AUTH),
                reader.hosts(ADMIN_HOSTS),
                reader.path(HEALTH_SCRIPT_DIR, null),
                // Unset, the idle expiry is 30 min, or the whole life when that is shorter.
                java.time.Duration.ofSeconds(reader.whole(SESSION_IDLE_SECONDS, Math.min(1800, sessionMax), 60,
                        7 * 86_400, "must be a whole number of seconds from 60 to 604800 (7 days)")),
                java.time.Duration.ofSeconds(sessionMax),
                reader.flag(STRICT_MODES),
                reader.path(CONTROL_SOCKET, besideStateFile(state, CONTROL_SOCKET_FILE)));
        if (parsed.sessionIdle().compareTo(parsed.sessionMax()) > 0) {
            reader.problems.add(SESSION_IDLE_SECONDS + ": must not be longer than " + SESSION_MAX_SECONDS
                    + " (a session's whole life)");
        }
        if (!reader.problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", reader.problems));
        }
        return parsed;
    }

    /**
     * {@code name} in the state file's directory: the default place of the daemon's data, so that
     * {@code data/balor_state.json} keeps {@code data/logs} and {@code /srv/b/state.json}
     * {@code /srv/b/logs}. Relative when {@code stateFile} is (taken from the working directory, as
     * the state file is); a state file with no directory part has its data in the working directory.
     */
    public static Path besideStateFile(Path stateFile, String name) {
        return stateFile.resolveSibling(name);
    }

    /** {@code BALOR_*} variables in {@code env} that this version does not read: likely typos. */
    public static List<String> unknownVariables(Map<String, String> env) {
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("BALOR_") && !VARIABLES.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /** Like the record's, but never shows the password or the token. */
    @Override
    public String toString() {
        return "DaemonEnv[stateFile=" + stateFile + ", adminAddress=" + adminAddress + ", loops=" + loops
                + ", certDir=" + certDir + ", acmeDir=" + acmeDir + ", acmeCaFile=" + acmeCaFile
                + ", acmeEab=" + (acmeEab == null ? "unset" : "(set)") + ", acmeDisabled=" + acmeDisabled
                + ", adminDist=" + adminDist
                + ", defaultAdminPassword=" + (defaultAdminPassword == null ? "unset" : "(set)")
                + ", adminToken=" + (adminToken == null ? "unset" : "(set)")
                + ", bootstrapSecretFile=" + bootstrapSecretFile + ", logDir=" + logDir + ", logMaxBytes=" + logMaxBytes
                + ", logKeep=" + logKeep + ", accessLogSampling=" + accessLogSampling
                + ", metricsAuth=" + metricsAuth + ", adminHosts=" + adminHosts + ", healthScriptDir=" + healthScriptDir
                + ", sessionIdle=" + sessionIdle + ", sessionMax=" + sessionMax + ", strictModes=" + strictModes
                + ", controlSocket=" + controlSocket + "]";
    }

    /** Reads one variable at a time and collects what is wrong with them. */
    private static final class Reader {

        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String text(String name) {
            String value = env.get(name);
            return value == null || value.isEmpty() ? null : value;
        }

        Path path(String name, Path standard) {
            String value = text(name);
            if (value == null) {
                return standard;
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                problems.add(name + ": '" + value + "' is not a valid path (" + e.getReason() + ")");
                return null;
            }
        }

        HostPort address(String name, String standard) {
            String value = text(name);
            HostPort.Parsed parsed = HostPort.parseListen(value == null ? standard : value.strip());
            if (parsed.error() != null) {
                problems.add(name + " = '" + value + "': " + parsed.error() + " (e.g. 0.0.0.0:9443)");
            }
            return parsed.value();
        }

        int loops(String name, int standard) {
            String value = text(name);
            if (value == null) {
                return standard;
            }
            try {
                int loops = Integer.parseInt(value.strip());
                if (loops >= 1 && loops <= MAX_LOOPS) {
                    return loops;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(name + ": must be a whole number of event loops from 1 to " + MAX_LOOPS + ", was '"
                    + value + "'");
            return standard;
        }

        long whole(String name, long standard, long min, long max, String rule) {
            String value = text(name);
            if (value == null) {
                return standard;
            }
            try {
                long parsed = Long.parseLong(value.strip());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(name + ": " + rule + ", was '" + value + "'");
            return standard;
        }

        /** {@code true} or {@code false} (unset: false). */
        boolean flag(String name) {
            String value = text(name);
            if (value == null || value.strip().equals("false")) {
                return false;
            }
            if (value.strip().equals("true")) {
                return true;
            }
            problems.add(name + ": must be true or false, was '" + value + "'");
            return false;
        }

        /** {@code BALOR_DEFAULT_ADMIN_PASSWORD}: 8 to 1024 characters, as every password (unset: null). */
        String password(String name) {
            String value = text(name);
            String problem = value == null ? null
                    : io.balor.admin.auth.PasswordHasher.passwordProblem(value.toCharArray());
            if (problem != null) {
                problems.add(name + ": " + problem);
            }
            return value;
        }

        /** {@code BALOR_ADMIN_TOKEN}: 16 to 1024 visible ASCII characters (unset: null). */
        String token(String name) {
            String value = text(name);
            if (value != null && (value.length() < io.balor.admin.auth.Authenticator.MIN_ADMIN_TOKEN_LENGTH
                    || value.length() > 1024 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                problems.add(name + ": must be " + io.balor.admin.auth.Authenticator.MIN_ADMIN_TOKEN_LENGTH
                        + " to 1024 visible ASCII characters without spaces (bearer tokens are not throttled, so a"
                        + " short one could be guessed); make one with: openssl rand -base64 32");
            }
            return value;
        }

        /** External Account Binding from a key id and an HMAC key variable: both set, or neither (null). */
        io.balor.admin.acme.ExternalAccountBinding binding(String kid, String hmacKey) {
            String id = text(kid);
            String key = text(hmacKey);
            if (id == null && key == null) {
                return null;
            }
            if (id == null || key == null) {
                problems.add((id == null ? kid : hmacKey) + ": must be set with " + (id == null ? hmacKey : kid)
                        + " (External Account Binding needs both the key id and the HMAC key)");
                return null;
            }
            try {
                return new io.balor.admin.acme.ExternalAccountBinding(id, key);
            } catch (IllegalArgumentException e) {
                problems.add(hmacKey + ": " + e.getMessage());   // never the key itself
                return null;
            }
        }

        /** A comma-separated list of host names or addresses (unset: none). */
        List<String> hosts(String name) {
            String value = text(name);
            if (value == null) {
                return List.of();
            }
            List<String> hosts = new ArrayList<>();
            for (String part : value.split(",", -1)) {
                String host = part.strip();
                String problem = io.balor.admin.http.AllowedHosts.nameProblem(host);
                if (problem != null) {
                    problems.add(name + ": " + problem);
                } else {
                    hosts.add(host);
                }
            }
            return List.copyOf(hosts);
        }
    }
}
