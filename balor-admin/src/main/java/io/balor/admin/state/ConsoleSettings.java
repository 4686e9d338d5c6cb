package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.ConfigProblem;
import io.balor.config.HostPort;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The state file's {@code admin_console}: where the admin API (and the console) listens and the
 * certificate it serves HTTPS with, set with {@code PUT /api/admin/console} and used at the next
 * start. Two shapes are read, so a file of either version takes effect as written:
 * {@code {"bind": "127.0.0.1:9443", "cert_file": "certs/console.pem", "key_file": "certs/console.key"}}
 * (this version's; {@code key_file} defaults to {@code cert_file}) and the original Balor's
 * {@code {"bind": ..., "tls": {"cert_path": ..., "key_path": ...}}}. Paths are relative to the
 * state file's directory. {@code bind} is a {@code host:port} with a port of 1..65535 (absent: the
 * daemon's default; the API sets only IP addresses and localhost, {@link #bindProblem}). Anything else is a problem named by its path, and the file does not load.
 * Immutable.
 *
 * @param bind     where to listen, or null for the daemon's default
 * @param certFile the certificate (chain) to serve HTTPS with, absolute; null: plain HTTP
 * @param keyFile  its key, absolute; null when {@code certFile} is
 * @param certPath the path of {@code certFile} in the file ({@code admin_console.cert_file} or
 *                 {@code admin_console.tls.cert_path}), for messages
 */
public record ConsoleSettings(HostPort bind, Path certFile, Path keyFile, String certPath) {

    public static final String KEY = "admin_console";
    private static final List<String> KEYS = List.of("bind", "cert_file", "key_file", "tls");
    private static final List<String> ORIGINAL_TLS_KEYS = List.of("cert_path", "key_path");

    /** No saved settings: the daemon's defaults. */
    public static final ConsoleSettings NONE = new ConsoleSettings(null, null, null, null);

    /** Whether HTTPS is asked for. */
    public boolean tls() {
        return certFile != null;
    }

    /**
     * The settings in {@code node} ({@code admin_console}, absent or null: {@link #NONE}), with
     * every problem added to {@code problems} (then the result is {@link #NONE}).
     */
    static ConsoleSettings read(JsonNode node, StateDirectory directory, List<ConfigProblem> problems) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        int before = problems.size();
        if (!node.isObject()) {
            problems.add(new ConfigProblem(KEY, "must be an object {\"bind\", \"cert_file\", \"key_file\"}"));
            return NONE;
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                problems.add(new ConfigProblem(KEY + "." + key, "unknown key (known here: bind, cert_file, key_file,"
                        + " and the original Balor's tls)"));
            }
        });
        HostPort bind = null;
        String bindText = text(node, "bind", KEY, problems);
        if (bindText != null) {
            String problem = bindProblem(bindText, true);
            if (problem != null) {
                problems.add(new ConfigProblem(KEY + ".bind", problem));
            } else {
                bind = HostPort.parseListen(bindText).value();
            }
        }
        String cert = text(node, "cert_file", KEY, problems);
        String key = text(node, "key_file", KEY, problems);
        String certPath = KEY + ".cert_file";
        JsonNode original = node.get("tls");
        if (original != null && !original.isNull()) {
            if (cert != null || key != null) {
                problems.add(new ConfigProblem(KEY + ".tls", "give cert_file and key_file, or the original's tls,"
                        + " not both"));
            } else if (!original.isObject()) {
                problems.add(new ConfigProblem(KEY + ".tls", "must be an object {\"cert_path\", \"key_path\"}"));
            } else {
                original.fieldNames().forEachRemaining(k -> {
                    if (!ORIGINAL_TLS_KEYS.contains(k)) {
                        problems.add(new ConfigProblem(KEY + ".tls." + k, "unknown key (known here: cert_path, key_path)"));
                    }
                });
                cert = text(original, "cert_path", KEY + ".tls", problems);
                key = text(original, "key_path", KEY + ".tls", problems);
                certPath = KEY + ".tls.cert_path";
                if (cert == null && problems.size() == before) {
                    problems.add(new ConfigProblem(certPath, "is required"));
                }
            }
        }
        if (key != null && cert == null && problems.size() == before) {
            problems.add(new ConfigProblem(KEY + ".key_file", "a key_file needs a cert_file"));
        }
        Path certFile = path(cert, directory, certPath, problems);
        Path keyFile = key == null ? certFile : path(key, directory, certPath.replace("cert", "key"), problems);
        if (problems.size() != before) {
            return NONE;
        }
        return new ConsoleSettings(bind, certFile, keyFile, certFile == null ? null : certPath);
    }

    /**
     * The settings {@code state} (read from {@code stateFile}, so valid) holds.
     *
     * @throws io.balor.config.InvalidConfigException if its {@code admin_console} is invalid after all
     */
    public static ConsoleSettings of(BalorState state, Path stateFile) {
        return of(state.extras().get(KEY), stateFile);
    }

    /**
     * The settings {@code node} ({@code admin_console}) would be in a state file at {@code stateFile}:
     * paths resolved as a start resolves them.
     *
     * @throws io.balor.config.InvalidConfigException naming each problem ({@code admin_console.bind} ...)
     */
    public static ConsoleSettings of(JsonNode node, Path stateFile) {
        List<ConfigProblem> problems = new java.util.ArrayList<>();
        ConsoleSettings settings = read(node, StateDirectory.of(stateFile), problems);
        if (!problems.isEmpty()) {
            throw new io.balor.config.InvalidConfigException(problems);
        }
        return settings;
    }

    /**
     * Why {@code bind} cannot be set as the console's address through the API, or null: it is
     * {@code IP:port} (or {@code localhost:port}, or {@code :port} for every address), port
     * 1..65535. A host name is refused: what it resolves to could change, and with it where the
     * console listens. (A state file the host's owner wrote may hold a name: {@link #read} takes it.)
     */
    public static String bindProblem(String bind) {
        return bindProblem(bind, false);
    }

    private static String bindProblem(String bind, boolean namesAllowed) {
        HostPort.Parsed parsed = HostPort.parseListen(bind);
        if (parsed.error() != null) {
            return parsed.error() + " (host:port, such as 127.0.0.1:9443)";
        }
        String host = parsed.value().host();
        if (!namesAllowed && !host.isEmpty() && !host.equalsIgnoreCase("localhost") && !ipLiteral(host)) {
            return "must be an IP address (or localhost), not the name '" + host + "': what a name resolves to"
                    + " can change, and with it where the console listens";
        }
        if (parsed.value().port() < 1) {
            return "needs a port from 1 to 65535 (a saved console address must stay the same across restarts)";
        }
        return null;
    }

    /**
     * Whether {@code bind} is a loopback address ({@code 127.0.0.0/8}, {@code [::1]}, {@code localhost}):
     * only the machine itself can reach it. A name other than localhost counts as a network address.
     */
    public static boolean loopback(HostPort bind) {
        String host = bind.host();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!ipLiteral(host)) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(host.indexOf(':') >= 0 ? "[" + host + "]" : host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether {@code host} is an IPv4 address in dotted quads or an IPv6 address: never looked up. */
    private static boolean ipLiteral(String host) {
        if (host.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
            return true;
        }
        if (host.indexOf(':') < 0 || !host.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            java.net.InetAddress.getByName("[" + host + "]");   // in brackets: parsed as IPv6, never resolved
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** This version's shape of {@code bind} and files (written relative to the state file's directory as given). */
    public static ObjectNode write(String bind, String certFile, String keyFile) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("bind", bind);
        if (certFile != null) {
            node.put("cert_file", certFile);
            node.put("key_file", keyFile == null ? certFile : keyFile);
        }
        return node;
    }

    private static String text(JsonNode node, String key, String at, List<ConfigProblem> problems) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            problems.add(new ConfigProblem(at + "." + key, "must be a non-empty string"));
            return null;
        }
        return value.textValue();
    }

    private static Path path(String value, StateDirectory directory, String at, List<ConfigProblem> problems) {
        if (value == null) {
            return null;
        }
        try {
            return Path.of(directory.resolve(value));
        } catch (InvalidPathException e) {
            problems.add(new ConfigProblem(at, "is not a path"));
            return null;
        }
    }
}
