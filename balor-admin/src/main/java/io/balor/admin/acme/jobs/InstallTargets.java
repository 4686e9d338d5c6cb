package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.config.CertificateConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a job may write its certificate where it would, checked before the CA is asked and
 * again just before the files are written (the state may have changed meanwhile). ACME writes
 * only files that are its own: a job's files must
 * <ul>
 *   <li>be two files (the key apart from the chain: they are written one after the other);</li>
 *   <li>be the same for every route of its host that asks for it;</li>
 *   <li>be in {@code BALOR_CERT_DIR}, or be registered in {@code certificates} as ACME's
 *   ({@code source: "acme"}, as the original registered what it issued);</li>
 *   <li>not be used by anything else: another job, a route or listener that does not ask for
 *   this host's certificate, a {@code certificates} entry that is not ACME's;</li>
 *   <li>have a {@code certificates} name that is free, or ACME's for these files.</li>
 * </ul>
 * A job that breaks one fails with the reason, and nothing is written. Stateless.
 */
final class InstallTargets {

    static final String CERTIFICATES = "certificates";

    private InstallTargets() {
    }

    /** Why {@code job} may not write its files in {@code state}, or null when it may. */
    static String problem(AcmeJob job, BalorState state, Path stateFile, Path certDir) {
        Path cert = normal(job.certFile());
        Path key = normal(job.keyFile());
        if (cert.equals(key)) {
            return "ACME writes the key and the chain to two files, and " + cert + " would hold both: give the route's"
                    + " tls a key_file of its own, or remove its tls (ACME then uses " + certDir + ")";
        }
        List<String> users = new ArrayList<>();
        boolean registered = false;
        JsonNode section = state.extras().get(CERTIFICATES);
        for (int i = 0; section != null && section.isArray() && i < section.size(); i++) {
            JsonNode entry = section.get(i);
            boolean acme = "acme".equals(entry.path("source").asText());
            boolean same = uses(entry.path("cert_file").asText(null), entry.path("key_file").asText(null), cert, key);
            registered |= acme && same && cert.equals(normal(entry.path("cert_file").asText("")));
            if (same && !acme) {
                users.add("the uploaded certificate '" + entry.path("name").asText() + "'");
            } else if (!acme && job.certName().equals(entry.path("name").asText(null))) {
                return "the certificate name '" + job.certName() + "' is taken by an uploaded certificate ("
                        + entry.path("cert_file").asText() + "): delete or rename it";
            }
        }
        if (!registered && !cert.startsWith(normal(certDir))) {
            return "ACME writes only into " + certDir + " (or files registered as ACME's in certificates), and "
                    + cert + " is elsewhere: remove the route's tls (ACME then uses " + certDir + ")";
        }
        for (ListenerConfig listener : state.config().listeners()) {
            CertificateConfig own = listener.tls() == null ? null : listener.tls().certificate();
            if (own != null && uses(own.certFile(), own.keyFile(), cert, key)) {
                users.add("listener " + listener.name());
            }
            for (RouteConfig route : listener.http().routes()) {
                CertificateConfig tls = route.tls();
                boolean ours = route.acme() != null && route.host() != null
                        && route.host().toLowerCase(Locale.ROOT).equals(job.id());
                if (ours && tls != null && !(normal(Path.of(tls.certFile())).equals(cert)
                        && normal(Path.of(tls.keyFile())).equals(key))) {
                    return "the routes of " + job.id() + " that ask for its certificate name different files ("
                            + cert + ", and " + tls.certFile() + " on listener " + listener.name() + "): give them"
                            + " the same tls, or none";
                }
                if (!ours && tls != null && uses(tls.certFile(), tls.keyFile(), cert, key)) {
                    users.add("the route " + listener.name() + " " + route.host());
                }
            }
        }
        for (AcmeSections.Standalone other : AcmeSections.standalone(state, stateFile)) {
            if (!other.host().equals(job.id()) && uses(other.certFile(), other.keyFile(), cert, key)) {
                users.add("the standalone job " + other.host());
            }
        }
        return users.isEmpty() ? null : "the files " + cert + " and " + key + " are also used by "
                + String.join(", ", users) + ", which ACME does not overwrite: give this job files of its own";
    }

    /** Whether the pair {@code certFile}, {@code keyFile} (either may be null) names {@code cert} or {@code key}. */
    private static boolean uses(String certFile, String keyFile, Path cert, Path key) {
        for (String file : new String[] {certFile, keyFile}) {
            if (file != null && !file.isBlank() && (normal(Path.of(file)).equals(cert) || normal(Path.of(file)).equals(key))) {
                return true;
            }
        }
        return false;
    }

    private static Path normal(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static Path normal(String path) {
        return normal(Path.of(path));
    }
}
