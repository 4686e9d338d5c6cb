package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.IssuedCertificate;
import io.balor.admin.state.AtomicFile;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;
import io.balor.config.CertificateConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Puts an issued certificate in service, in this order, so that nothing half-done is ever served:
 * <ol>
 *   <li>the key, then the chain, each written whole and atomically (mode 600) over the job's
 *   files; until both are in place a look at the files sees a pair that does not match and keeps
 *   serving the previous one;</li>
 *   <li>the state: the {@code certificates} entry {@code {name, cert_file, key_file, source:
 *   "acme", issued_at}} is made or updated, and the job's routes on listeners that terminate TLS
 *   and have no certificate yet get {@code tls} with these files (an apply that keeps every
 *   socket); a route on a plain HTTP listener is left plain, since turning TLS on there would
 *   change what that port speaks (it is where HTTP-01 is answered);</li>
 *   <li>{@link io.balor.Balor#reloadCertificates()}: listeners already using the files serve the
 *   new pair to the next handshake; connections already open keep theirs.</li>
 * </ol>
 * Runs on the ACME thread; blocking.
 */
final class CertificateInstall {

    static final String CERTIFICATES = "certificates";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final StateStore store;

    CertificateInstall(StateStore store) {
        this.store = store;
    }

    /**
     * Whether {@code job}'s certificate name is free for it (unused, or already an ACME entry for
     * the same files) and its files are not an uploaded certificate's. Checked before the CA is
     * asked, so a clash costs no issuance.
     *
     * @return null when free, else why not
     */
    String nameProblem(AcmeJob job) {
        BalorState state = store.current();
        JsonNode section = state.extras().get(CERTIFICATES);
        for (int i = 0; section != null && section.isArray() && i < section.size(); i++) {
            JsonNode other = section.get(i);
            if (!"acme".equals(other.path("source").asText())
                    && job.certFile().toString().equals(other.path("cert_file").asText())) {
                return "the files " + job.certFile() + " are the uploaded certificate '" + other.path("name").asText()
                        + "', which ACME does not overwrite: remove the route's tls (ACME then uses files of its own)"
                        + " or its acme";
            }
        }
        JsonNode entry = entry(state, job.certName());
        if (entry == null || "acme".equals(entry.path("source").asText())
                && job.certFile().toString().equals(entry.path("cert_file").asText())) {
            return null;
        }
        return "the certificate name '" + job.certName() + "' is taken by another certificate ("
                + entry.path("source").asText("manual") + ", " + entry.path("cert_file").asText() + "); delete or rename it";
    }

    /**
     * Installs {@code issued} for {@code job}.
     *
     * @return the routes that got {@code tls} now ({@code "listener host"}), for the job's message
     * @throws IOException when the files or the state cannot be written; the served pair is then
     *                     the previous one, or (if only the state failed) the new one in the old files' place
     */
    List<String> install(AcmeJob job, IssuedCertificate issued, Instant now) throws IOException {
        Files.createDirectories(job.certFile().getParent());
        Files.createDirectories(job.keyFile().getParent());
        AtomicFile.write(job.keyFile(), issued.privateKeyPem().getBytes(StandardCharsets.US_ASCII), true);
        AtomicFile.write(job.certFile(), issued.certificateChainPem().getBytes(StandardCharsets.US_ASCII), true);
        List<String> attached = new ArrayList<>();
        try {
            store.change(StateStore.SYSTEM, "ACME: certificate for " + job.id() + " issued",
                    state -> withCertificate(state, job, now, attached));
        } catch (StateFileException | RuntimeException e) {
            throw new IOException("the certificate was written to " + job.certFile() + " but the state could not be"
                    + " saved: " + e.getMessage(), e);
        } finally {
            store.balor().reloadCertificates();
        }
        return attached;
    }

    private static BalorState withCertificate(BalorState state, AcmeJob job, Instant now, List<String> attached) {
        attached.clear();
        ObjectNode entry = NODES.objectNode().put("name", job.certName()).put("cert_file", job.certFile().toString())
                .put("key_file", job.keyFile().toString()).put("source", "acme").put("issued_at", now.toString());
        ArrayNode certificates = NODES.arrayNode();
        JsonNode section = state.extras().get(CERTIFICATES);
        boolean replaced = false;
        if (section != null && section.isArray()) {
            for (JsonNode existing : section) {
                if (job.certName().equals(existing.path("name").asText(null))) {
                    certificates.add(entry);
                    replaced = true;
                } else {
                    certificates.add(existing);
                }
            }
        }
        if (!replaced) {
            certificates.add(entry);
        }
        BalorState after = state.withExtra(CERTIFICATES, certificates);
        if (job.kind() != AcmeJob.Kind.ROUTE) {
            return after;
        }
        CertificateConfig files = new CertificateConfig(job.certFile().toString(), job.keyFile().toString());
        List<ListenerConfig> listeners = new ArrayList<>();
        for (ListenerConfig listener : state.config().listeners()) {
            List<RouteConfig> routes = new ArrayList<>();
            for (RouteConfig route : listener.http().routes()) {
                if (route.acme() != null && route.tls() == null && listener.terminatesTls() && route.host() != null
                        && route.host().toLowerCase(Locale.ROOT).equals(job.id())) {
                    routes.add(route.withTls(files));
                    attached.add(listener.name() + " " + route.host());
                } else {
                    routes.add(route);
                }
            }
            listeners.add(listener.withHttp(listener.http().withRoutes(routes)));
        }
        return attached.isEmpty() ? after : after.withConfig(state.config().withListeners(listeners));
    }

    private static JsonNode entry(BalorState state, String name) {
        JsonNode section = state.extras().get(CERTIFICATES);
        if (section != null && section.isArray()) {
            for (JsonNode existing : section) {
                if (name.equals(existing.path("name").asText(null))) {
                    return existing;
                }
            }
        }
        return null;
    }
}
