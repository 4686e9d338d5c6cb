package io.balor.admin.acme.jobs;

import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.config.AcmeConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ACME jobs a state asks for: one per host whose routes carry {@code acme} (the first such
 * route in listener order gives its settings), then one per {@code acme_standalone} entry (a
 * host a route already asks for is the route's; a loaded state has no such pair). Where a job's
 * certificate goes:
 * <ul>
 *   <li>a route job whose routes already name files ({@code tls}) keeps using them, so a
 *   certificate issued before (the original's {@code data/certs/HOST.crt}) is renewed in place;</li>
 *   <li>a standalone entry with {@code tls} uses those files;</li>
 *   <li>otherwise {@code CERT_DIR/NAME.crt} and {@code NAME.key}, {@code NAME} being
 *   {@link AcmeJob#certName}.</li>
 * </ul>
 * Stateless.
 */
public final class AcmeJobs {

    private AcmeJobs() {
    }

    /** The jobs of {@code state} (whose file is {@code stateFile}), certificates going to {@code certDir} by default. */
    public static List<AcmeJob> of(BalorState state, Path stateFile, Path certDir) {
        Map<String, List<RouteConfig>> routesByHost = new LinkedHashMap<>();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        for (ListenerConfig listener : state.config().listeners()) {
            for (RouteConfig route : listener.http().routes()) {
                if (route.acme() != null && route.host() != null) {
                    String host = route.host().toLowerCase(Locale.ROOT);
                    routesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(route);
                    labels.computeIfAbsent(host, h -> new ArrayList<>()).add(listener.name() + " " + route.host());
                }
            }
        }
        List<AcmeJob> jobs = new ArrayList<>();
        for (Map.Entry<String, List<RouteConfig>> entry : routesByHost.entrySet()) {
            String host = entry.getKey();
            AcmeConfig acme = entry.getValue().get(0).acme();
            CertificateConfig files = entry.getValue().stream().map(RouteConfig::tls)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
            String name = AcmeJob.certName(host);
            jobs.add(new AcmeJob(host, AcmeJob.Kind.ROUTE, acme, acme.label(), name,
                    files == null ? defaultCert(certDir, name) : Path.of(files.certFile()),
                    files == null ? defaultKey(certDir, name) : Path.of(files.keyFile()), labels.get(host)));
        }
        for (AcmeSections.Standalone standalone : AcmeSections.standalone(state, stateFile)) {
            if (routesByHost.containsKey(standalone.host())) {
                continue;
            }
            String name = AcmeJob.certName(standalone.host());
            String label = standalone.label() != null ? standalone.label() : standalone.acme().label();
            jobs.add(new AcmeJob(standalone.host(), AcmeJob.Kind.STANDALONE, standalone.acme(), label, name,
                    standalone.certFile() == null ? defaultCert(certDir, name) : Path.of(standalone.certFile()),
                    standalone.keyFile() == null ? defaultKey(certDir, name) : Path.of(standalone.keyFile()), List.of()));
        }
        return jobs;
    }

    /** The job {@code id} of {@code state}, or null. */
    public static AcmeJob find(BalorState state, Path stateFile, Path certDir, String id) {
        String lower = id == null ? null : id.toLowerCase(Locale.ROOT);
        for (AcmeJob job : of(state, stateFile, certDir)) {
            if (job.id().equals(lower) || job.certName().equals(lower)) {
                return job;
            }
        }
        return null;
    }

    private static Path defaultCert(Path certDir, String name) {
        return certDir.resolve(name + ".crt").toAbsolutePath();
    }

    private static Path defaultKey(Path certDir, String name) {
        return certDir.resolve(name + ".key").toAbsolutePath();
    }
}
