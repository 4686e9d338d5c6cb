package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.HealthScripts;
import io.balor.admin.state.ScriptChecks;
import io.balor.admin.api.ConfigEdits.Section;
import io.balor.admin.auth.Principal;
import io.balor.admin.auth.Role;
import io.balor.admin.http.ApiException;
import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HealthCheckConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the admin API checks in a listener or pool change beyond the state file's own rules, and
 * who may make it. Immutable; any thread.
 * <ul>
 *   <li>A body replaces the whole object, so its required keys must be there: {@code name} and
 *       {@code listen} for a listener, {@code name} and {@code upstreams} for a pool (400 naming each).</li>
 *   <li>A script health check runs a program on the host: only the programs in
 *       {@code BALOR_HEALTH_SCRIPT_DIR} ({@link ScriptChecks}, {@link HealthScripts}; unset, none: 400), and making or
 *       changing one needs the admin role even where the rest of the pool is an operator's to
 *       edit (403).</li>
 *   <li>A pool without upstreams cannot be what a listener sends to (409 naming the listeners).</li>
 *   <li>A certificate, key or CA file outside {@code BALOR_CERT_DIR} and the state file's directory
 *       may be named only by an admin (403 before any file is looked at): an operator could
 *       otherwise serve TLS with any key the daemon can read, or learn which files exist. One an
 *       admin named stays as it is through an operator's edits; when it does not load, an
 *       operator is only told that it "cannot be used".</li>
 * </ul>
 */
final class ConfigRules {

    private static final Pattern TLS_FIELD = Pattern.compile(
            "(?:listeners\\[(\\d+)\\](?:\\.host_routes\\[(\\d+)\\])?|pools\\[(\\d+)\\])\\.tls\\.(?:cert_file|key_file|ca_file)");

    private final Path scriptDir;
    private final List<Path> certificateDirs;

    /**
     * @param scriptDir       {@code BALOR_HEALTH_SCRIPT_DIR}, or null: script checks are refused
     * @param certificateDirs where an operator's certificate paths may say why they do not load
     */
    ConfigRules(Path scriptDir, List<Path> certificateDirs) {
        this.scriptDir = scriptDir;
        List<Path> dirs = new ArrayList<>();
        for (Path dir : certificateDirs) {
            dirs.add(dir.toAbsolutePath().normalize());
        }
        this.certificateDirs = List.copyOf(dirs);
    }

    /** The required keys {@code body} lacks, each a problem at its key (empty when none). */
    static List<ConfigProblem> missingKeys(Section section, JsonNode body) {
        List<String> required = section == Section.LISTENERS ? List.of("name", "listen") : List.of("name", "upstreams");
        List<ConfigProblem> missing = new ArrayList<>();
        for (String key : required) {
            if (!body.hasNonNull(key)) {
                missing.add(new ConfigProblem(key, "is required: a " + (section == Section.LISTENERS ? "listener"
                        : "pool") + " body is the whole object (" + String.join(", ", required) + " at least)"));
            }
        }
        return missing;
    }

    /** The script checks of {@code config} whose program cannot run ({@link ScriptChecks}). */
    List<ConfigProblem> scriptProblems(BalorConfig config) {
        return ScriptChecks.problems(config, scriptDir);
    }

    /** 403 unless {@code who} is an admin or the change leaves pool {@code after}'s script check as it was. */
    static void checkScriptChange(PoolConfig before, PoolConfig after, Principal who) {
        HealthCheckConfig next = after == null ? null : after.healthCheck();
        if (next == null || next.type() != HealthCheckConfig.Type.SCRIPT || who.role() == Role.ADMIN
                || (before != null && Objects.equals(before.healthCheck(), next))) {
            return;
        }
        throw ApiException.forbidden("making or changing a script health check needs the admin role",
                "it runs a program on the host; ask an admin, or use a tcp or http check").withField("health_check");
    }

    /**
     * 403 unless {@code who} is an admin or the routes of every host that asks for a certificate
     * ({@code acme}, before or after) are, in {@code after}, routes that {@code before} has with
     * the same {@code acme} and {@code tls}: asking a CA for certificates (and accepting its
     * terms) is the ACME API's, which is an admin's, and where ACME writes a host's certificate is
     * its routes' {@code tls}. Removing routes (or a listener) is anyone's who may make the change.
     */
    static void checkAcmeChange(BalorConfig before, BalorConfig after, Principal who) {
        if (who.role() == Role.ADMIN) {
            return;
        }
        java.util.Set<String> hosts = new java.util.HashSet<>();
        for (BalorConfig config : List.of(before, after)) {
            for (ListenerConfig listener : config.listeners()) {
                for (RouteConfig route : listener.http().routes()) {
                    if (route.acme() != null && route.host() != null) {
                        hosts.add(route.host().toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        java.util.Set<String> had = acmeRoutes(before, hosts);
        for (String route : acmeRoutes(after, hosts)) {
            if (!had.contains(route)) {
                throw ApiException.forbidden("asking for a certificate (a route's acme), or changing the tls of a"
                        + " route whose host has one, needs the admin role", "leave acme and tls as they were, or ask"
                        + " an admin (POST /api/acme/request)").withField("host_routes");
            }
        }
    }

    /** The routes of {@code hosts} in {@code config}, each as its host, acme and tls. */
    private static java.util.Set<String> acmeRoutes(BalorConfig config, java.util.Set<String> hosts) {
        java.util.Set<String> routes = new java.util.HashSet<>();
        for (ListenerConfig listener : config.listeners()) {
            for (RouteConfig route : listener.http().routes()) {
                String host = route.host() == null ? null : route.host().toLowerCase(java.util.Locale.ROOT);
                if (hosts.contains(host)) {
                    routes.add(host + " " + route.acme() + " " + route.tls());
                }
            }
        }
        return routes;
    }

    /** 409 when pool {@code name} has no upstreams in {@code config} while listeners send to it. */
    static void checkPoolInUse(BalorConfig config, String name) {
        PoolConfig pool = config.pool(name);
        List<String> users = ConfigEdits.poolUsers(config, name);
        if (pool != null && pool.upstreams().isEmpty() && !users.isEmpty()) {
            throw ApiException.invalid(409, List.of(new ConfigProblem("upstreams", "pool '" + name
                    + "' cannot be left without upstreams: listeners " + String.join(", ", users) + " use it")),
                    "point those listeners at another pool first, or give it an upstream");
        }
    }

    /** 409 when listener {@code name} in {@code config} sends to a pool without upstreams. */
    static void checkListenerPools(BalorConfig config, String name) {
        checkListenerPools(config, name, "");
    }

    /** As {@link #checkListenerPools(BalorConfig, String)}, the problem's path after {@code at} ({@code listeners[2].}). */
    static void checkListenerPools(BalorConfig config, String name, String at) {
        ListenerConfig listener = config.listener(name);
        List<String> pools = new ArrayList<>();
        if (listener.pool() != null) {
            pools.add(listener.pool());
        }
        listener.http().routes().forEach(route -> pools.add(route.pool()));
        for (String pool : pools) {
            PoolConfig used = config.pool(pool);
            if (used != null && used.upstreams().isEmpty()) {
                throw ApiException.invalid(409, List.of(new ConfigProblem(at + "pool", "pool '" + pool
                        + "' has no upstreams")), "give the pool an upstream first");
            }
        }
    }

    /**
     * 403 unless {@code who} is an admin, or every certificate, key and CA file of {@code after}
     * that is outside the certificate directories, or one of {@code adminOnly} (the admin
     * console's: served on a listener, it would pass that listener off as the console), was
     * named in {@code before} too (at {@code at}: where the body is in the document, for the
     * problems' paths).
     */
    void checkCertificatePaths(BalorConfig before, BalorConfig after, Principal who, String at,
                               List<Path> adminOnly) {
        if (who.role() == Role.ADMIN) {
            return;
        }
        java.util.Set<String> allowed = new java.util.HashSet<>(files(before).values());
        List<ConfigProblem> problems = new ArrayList<>();
        files(after).forEach((path, file) -> {
            if (allowed.contains(file)) {
                return;
            }
            if (outside(file)) {
                problems.add(new ConfigProblem(path, "only an admin may name a file outside BALOR_CERT_DIR and the"
                        + " state file's directory; upload the certificate with POST /api/certificates (an admin's)"));
            } else if (adminOnly.stream().anyMatch(console -> sameFile(console, file))) {
                problems.add(new ConfigProblem(path, "only an admin may serve the admin console's certificate on a"
                        + " listener; use another certificate"));
            }
        });
        if (!problems.isEmpty()) {
            throw ApiException.invalid(403, ConfigEdits.relative(new InvalidConfigException(problems), at).problems(),
                    "use a certificate uploaded to BALOR_CERT_DIR, or ask an admin");
        }
    }

    /** Every certificate, key and CA file {@code config} names, by its path in the document. */
    private static java.util.Map<String, String> files(BalorConfig config) {
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            if (listener.tls() != null && listener.tls().certificate() != null) {
                putCertificate(files, "listeners[" + i + "].tls", listener.tls().certificate());
            }
            List<RouteConfig> routes = listener.http().routes();
            for (int j = 0; j < routes.size(); j++) {
                if (routes.get(j).tls() != null) {
                    putCertificate(files, "listeners[" + i + "].host_routes[" + j + "].tls", routes.get(j).tls());
                }
            }
        }
        for (int i = 0; i < config.pools().size(); i++) {
            PoolConfig pool = config.pools().get(i);
            if (pool.tls() != null && pool.tls().caFile() != null) {
                files.put("pools[" + i + "].tls.ca_file", pool.tls().caFile());
            }
        }
        return files;
    }

    private static void putCertificate(java.util.Map<String, String> files, String at, CertificateConfig certificate) {
        files.put(at + ".cert_file", certificate.certFile());
        if (certificate.keyFile() != null && !certificate.keyFile().equals(certificate.certFile())) {
            files.put(at + ".key_file", certificate.keyFile());
        }
    }

    /**
     * {@code e} (a config that did not apply) with each certificate problem about a file outside
     * the certificate directories made "cannot be used", unless {@code who} is an admin.
     */
    InvalidConfigException hideOutsideFiles(InvalidConfigException e, BalorConfig tried, Principal who) {
        if (who.role() == Role.ADMIN || tried == null) {
            return e;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem problem : e.problems()) {
            Matcher field = TLS_FIELD.matcher(problem.path());
            if (field.matches() && files(tried, field).stream().anyMatch(this::outside)) {
                problems.add(new ConfigProblem(problem.path(), "cannot be used (a file outside BALOR_CERT_DIR and the"
                        + " state file's directory: Balor does not say why); upload it with POST /api/certificates"));
            } else {
                problems.add(problem);
            }
        }
        return new InvalidConfigException(problems);
    }

    private static List<String> files(BalorConfig config, Matcher field) {
        List<String> files = new ArrayList<>();
        if (field.group(3) != null) {
            int pool = Integer.parseInt(field.group(3));
            if (pool < config.pools().size() && config.pools().get(pool).tls() != null) {
                files.add(config.pools().get(pool).tls().caFile());
            }
            return files;
        }
        int index = Integer.parseInt(field.group(1));
        if (index >= config.listeners().size()) {
            return files;
        }
        ListenerConfig listener = config.listeners().get(index);
        CertificateConfig certificate = null;
        if (field.group(2) != null) {
            List<RouteConfig> routes = listener.http().routes();
            int route = Integer.parseInt(field.group(2));
            certificate = route < routes.size() ? routes.get(route).tls() : null;
        } else if (listener.tls() != null) {
            certificate = listener.tls().certificate();
        }
        if (certificate != null) {
            files.add(certificate.certFile());
            files.add(certificate.keyFile());
        }
        return files;
    }

    /** Whether {@code file} names {@code console}: the same path, or the same file through another. */
    private static boolean sameFile(Path console, String file) {
        try {
            Path path = Path.of(file).toAbsolutePath().normalize();
            return path.equals(console) || (Files.exists(path) && Files.exists(console) && Files.isSameFile(path, console));
        } catch (InvalidPathException | java.io.IOException e) {
            return false;
        }
    }

    private boolean outside(String file) {
        if (file == null) {
            return false;
        }
        try {
            Path path = Path.of(file).toAbsolutePath().normalize();
            return certificateDirs.stream().noneMatch(path::startsWith);
        } catch (InvalidPathException e) {
            return true;
        }
    }
}
