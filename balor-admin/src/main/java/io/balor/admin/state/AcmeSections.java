package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.acme.dns.DnsProviders;
import io.balor.config.AcmeConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The state file's ACME sections, read and checked: {@code acme_providers} (by
 * {@link DnsProviders}), {@code acme_standalone} (names not bound to a route) and, across both,
 * the routes' {@code acme}: a {@code dns01} names a provider that exists, a wildcard name asks for
 * {@code dns01}, no name is asked for twice. Stateless.
 *
 * <p>An {@code acme_standalone} entry is the original's {@code {host, label?, acme, tls?, status?}}:
 * {@code tls} is where the certificate goes ({@code cert_file}, {@code key_file}; the original's
 * {@code cert_path}, {@code key_path} are read too), {@code status} the original's status, which
 * is read past (a job's status is kept in the ACME directory's {@code jobs.json}).
 */
public final class AcmeSections {

    public static final String PROVIDERS = "acme_providers";
    public static final String STANDALONE = "acme_standalone";
    static final List<String> STANDALONE_KEYS = List.of("host", "label", "acme", "tls", "status");
    private static final List<String> TLS_KEYS = List.of("cert_file", "key_file", "cert_path", "key_path");
    /** LDH labels (RFC 1123), optionally {@code *.} first; at most 253 characters. */
    private static final Pattern NAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /**
     * A standalone job as the state holds it.
     *
     * @param host     the name (lower case; {@code *.example.com} for a wildcard)
     * @param certFile where its certificate goes (absolute), or null: the certificate directory decides
     * @param keyFile  where its key goes (absolute), or null
     */
    public record Standalone(String host, String label, AcmeConfig acme, String certFile, String keyFile) {
    }

    private AcmeSections() {
    }

    /** The standalone jobs of {@code state}; those that do not read are left out (a loaded state has none). */
    public static List<Standalone> standalone(BalorState state, Path stateFile) {
        StateProblems problems = new StateProblems();
        return new ArrayList<>(read(state.extras().get(STANDALONE), StateDirectory.of(stateFile),
                new StateFields(problems), problems).values());
    }

    /** Whether {@code host} is a name a certificate can be asked for: LDH labels, {@code *.} first for a wildcard. */
    public static boolean validName(String host) {
        return host != null && host.length() <= 253 && NAME.matcher(host).matches();
    }

    /** Adds every problem of the ACME sections of {@code extras} and of {@code config}'s routes' acme. */
    static void check(Map<String, JsonNode> extras, List<ListenerConfig> listeners, StateDirectory directory,
                      StateProblems problems) {
        Set<String> providers = new HashSet<>();
        try {
            DnsProviders.configs(extras.get(PROVIDERS), PROVIDERS).forEach(provider -> providers.add(provider.name()));
        } catch (InvalidConfigException e) {
            e.problems().forEach(problem -> problems.add(problem.path(), problem.message()));
            JsonNode section = extras.get(PROVIDERS);
            section.forEach(entry -> providers.add(entry.path("name").asText("")));   // named: no second complaint
        }
        Map<String, String> asked = new HashMap<>();
        for (int i = 0; i < listeners.size(); i++) {
            List<RouteConfig> routes = listeners.get(i).http().routes();
            for (int j = 0; j < routes.size(); j++) {
                RouteConfig route = routes.get(j);
                if (route.acme() != null && route.host() != null) {
                    String at = "listeners[" + i + "].host_routes[" + j + "]";
                    checkJob(route.host().toLowerCase(Locale.ROOT), route.acme(), at, providers, problems);
                    asked.putIfAbsent(route.host().toLowerCase(Locale.ROOT), at);
                }
            }
        }
        StateFields fields = new StateFields(problems);
        for (Map.Entry<Integer, Standalone> job : read(extras.get(STANDALONE), directory, fields, problems).entrySet()) {
            String at = STANDALONE + "[" + job.getKey() + "]";
            String host = job.getValue().host();
            String first = asked.putIfAbsent(host, at);
            if (first != null) {
                problems.add(at + ".host", "'" + host + "' is already asked for at " + first);
            }
            checkJob(host, job.getValue().acme(), at, providers, problems);
        }
    }

    private static void checkJob(String host, AcmeConfig acme, String at, Set<String> providers,
                                 StateProblems problems) {
        if (acme.challenge() == AcmeConfig.Challenge.DNS01 && acme.provider() != null
                && !providers.contains(acme.provider())) {
            problems.add(at + ".acme.provider", "no DNS provider '" + acme.provider() + "' in " + PROVIDERS);
        }
        if (host.startsWith("*.") && acme.challenge() != AcmeConfig.Challenge.DNS01) {
            problems.add(at + ".acme.challenge", "a wildcard name ('" + host + "') can only be validated with dns01");
        }
    }

    /** The entries of {@code section} that read without a problem, by their index. */
    private static Map<Integer, Standalone> read(JsonNode section, StateDirectory directory, StateFields fields,
                                                 StateProblems problems) {
        Map<Integer, Standalone> jobs = new java.util.LinkedHashMap<>();
        if (section == null || section.isNull()) {
            return jobs;
        }
        if (!section.isArray()) {
            problems.add(STANDALONE, "must be an array of {host, acme, label?, tls?}, was " + StateFields.describe(section));
            return jobs;
        }
        for (int i = 0; i < section.size(); i++) {
            String at = STANDALONE + "[" + i + "]";
            JsonNode entry = section.get(i);
            if (!fields.isObject(entry, at)) {
                continue;
            }
            fields.checkKeys(entry, at, STANDALONE_KEYS);
            int before = problems.size();
            String host = fields.string(entry, "host", at);
            if (host == null) {
                problems.add(at + ".host", "is required (the name the certificate is for)");
            } else if (!validName(host.toLowerCase(Locale.ROOT))) {
                problems.add(at + ".host", "'" + host + "' is not a DNS name (letters, digits and '-' in labels,"
                        + " '*.' first for a wildcard)");
            }
            AcmeConfig acme = StateReader.readAcme(fields, problems, entry, at);
            if (acme == null) {
                if (!entry.has("acme")) {
                    problems.add(at + ".acme", "is required ({email, challenge, ...}: how to get the certificate)");
                }
            } else {
                for (ConfigProblem problem : AcmeConfig.problems(acme, at + ".acme")) {
                    problems.add(problem.path(), problem.message());
                }
            }
            JsonNode tls = fields.section(entry, "tls", at, TLS_KEYS);
            String cert = tls == null ? null : file(fields, tls, at + ".tls", "cert_file", "cert_path");
            String key = tls == null ? null : file(fields, tls, at + ".tls", "key_file", "key_path");
            if (tls != null && (cert == null || key == null)) {
                problems.add(at + ".tls", "names both files (cert_file and key_file), or is left out");
            }
            fields.string(entry, "label", at);
            if (problems.size() == before) {
                jobs.put(i, new Standalone(host.toLowerCase(Locale.ROOT), entry.path("label").textValue(), acme,
                        cert == null ? null : directory.resolve(cert), key == null ? null : directory.resolve(key)));
            }
        }
        return jobs;
    }

    private static String file(StateFields fields, JsonNode tls, String at, String key, String original) {
        String value = fields.string(tls, key, at);
        return value != null ? value : fields.string(tls, original, at);
    }
}
