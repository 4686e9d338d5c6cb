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
 * Puts an issued certificate in service, in this order, so that nothing half-done is served:
 * <ol>
 *   <li>the job is derived again from the state and its files checked again
 *   ({@link InstallTargets}): issuance takes a while, and the job may have been removed or its
 *   files given to something else meanwhile;</li>
 *   <li>the key and the chain are each written whole beside their targets (mode 600, fsynced),
 *   then renamed over them one right after the other: an interrupt or a failed write before
 *   the renames leaves the old pair whole; only a crash between the two renames leaves a new key
 *   with the old chain, which the certificate store refuses (keeping the pair it serves) and the
 *   next look replaces;</li>
 *   <li>the state: the {@code certificates} entry of these files ({@code {name, cert_file,
 *   key_file, source: "acme", issued_at}}) is made or updated, and the job's routes on listeners
 *   that terminate TLS and have no certificate yet get {@code tls} with these files (an apply
 *   that keeps every socket); a route on a plain HTTP listener is left plain, since turning TLS
 *   on there would change what that port speaks (it is where HTTP-01 is answered);</li>
 *   <li>{@link io.balor.Balor#reloadCertificates()}: listeners already using the files serve the
 *   new pair to the next handshake; connections already open keep theirs.</li>
 * </ol>
 * Runs on the ACME thread; blocking.
 */
final class CertificateInstall {

    static final String CERTIFICATES = InstallTargets.CERTIFICATES;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The certificate is in its files and served, but the state could not record it. */
    static final class StateNotSaved extends IOException {
        StateNotSaved(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final StateStore store;
    private final Path certDir;

    CertificateInstall(StateStore store, Path certDir) {
        this.store = store;
        this.certDir = certDir;
    }

    /** Why {@code job} may not write its files now ({@link InstallTargets}), or null. */
    String problem(AcmeJob job) {
        return InstallTargets.problem(job, store.current(), store.file(), certDir);
    }

    /**
     * Installs {@code issued} for {@code job}.
     *
     * @return the routes that got {@code tls} now ({@code "listener host"}), for the job's message
     * @throws StateNotSaved when the pair is written and served but the state could not record it
     * @throws IOException   when the job changed meanwhile or the files could not be written: the
     *                       served pair is the previous one
     */
    List<String> install(AcmeJob job, IssuedCertificate issued, Instant now) throws IOException {
        AcmeJob current = AcmeJobs.find(store.current(), store.file(), certDir, job.id());
        if (current == null || !current.certFile().equals(job.certFile()) || !current.keyFile().equals(job.keyFile())) {
            throw new IOException("the job changed while its certificate was issued (removed, or its files changed):"
                    + " the certificate was not installed");
        }
        String problem = problem(current);
        if (problem != null) {
            throw new IOException(problem);
        }
        Files.createDirectories(job.certFile().getParent());
        Files.createDirectories(job.keyFile().getParent());
        try (AtomicFile.Prepared key = AtomicFile.prepare(job.keyFile(),
                issued.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
             AtomicFile.Prepared chain = AtomicFile.prepare(job.certFile(),
                     issued.certificateChainPem().getBytes(StandardCharsets.US_ASCII))) {
            key.commit();
            chain.commit();
        }
        List<String> attached = new ArrayList<>();
        try {
            store.change(StateStore.SYSTEM, "ACME: certificate for " + job.id() + " issued",
                    state -> withCertificate(state, job, now, attached));
        } catch (StateFileException | RuntimeException e) {
            throw new StateNotSaved("the certificate is in " + job.certFile() + " and served, but the state could not"
                    + " record it: " + e.getMessage(), e);
        } finally {
            store.balor().reloadCertificates();
        }
        return attached;
    }

    private static BalorState withCertificate(BalorState state, AcmeJob job, Instant now, List<String> attached) {
        attached.clear();
        JsonNode section = state.extras().get(CERTIFICATES);
        List<JsonNode> entries = new ArrayList<>();
        if (section != null && section.isArray()) {
            section.forEach(entries::add);
        }
        // The ACME entry of these files (a migrated one keeps its name), else the one of the job's name.
        int at = -1;
        for (int i = 0; i < entries.size() && at < 0; i++) {
            if ("acme".equals(entries.get(i).path("source").asText())
                    && job.certFile().toString().equals(entries.get(i).path("cert_file").asText())) {
                at = i;
            }
        }
        for (int i = 0; i < entries.size() && at < 0; i++) {
            if (job.certName().equals(entries.get(i).path("name").asText(null))) {
                at = i;
            }
        }
        String name = at < 0 ? job.certName() : entries.get(at).path("name").asText(job.certName());
        ObjectNode entry = NODES.objectNode().put("name", name).put("cert_file", job.certFile().toString())
                .put("key_file", job.keyFile().toString()).put("source", "acme").put("issued_at", now.toString());
        if (at < 0) {
            entries.add(entry);
        } else {
            entries.set(at, entry);
        }
        ArrayNode certificates = NODES.arrayNode();
        entries.forEach(certificates::add);
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
}
