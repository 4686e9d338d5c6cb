package io.balor.admin.acme.jobs;

import io.balor.config.AcmeConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One certificate Balor keeps getting from an ACME CA: for a host route's {@code acme} (all the
 * routes of one host share it) or for an {@code acme_standalone} entry. It is derived from the
 * state each time the jobs are looked at ({@link AcmeJobs}); its status lives apart, in
 * {@link io.balor.admin.acme.AcmeJobStore}, under {@link #id}. Immutable.
 *
 * @param id       the name the certificate is for, lower case ({@code *.example.com} for a wildcard)
 * @param kind     route-bound or standalone
 * @param acme     how to get it
 * @param label    a label to show, or null
 * @param certName its entry in the state's {@code certificates} ({@code source: "acme"}); see {@link #certName(String)}
 * @param certFile where the certificate chain goes (absolute)
 * @param keyFile  where its private key goes (absolute)
 * @param routes   for a route job, the routes that ask for it ({@code "listener host"}); empty otherwise
 */
public record AcmeJob(String id, Kind kind, AcmeConfig acme, String label, String certName, Path certFile,
                      Path keyFile, List<String> routes) {

    /** Where a job comes from. */
    public enum Kind {
        ROUTE("route"), STANDALONE("standalone");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public AcmeJob {
        routes = List.copyOf(routes);
    }

    /** The names the certificate covers. */
    public List<String> names() {
        return List.of(id);
    }

    /**
     * The {@code certificates} name of {@code host}'s certificate: the host itself, and for a
     * wildcard {@code wildcard_.example.com} (a name cannot start with {@code *} or {@code _},
     * and no host name holds a {@code _}, so it cannot be another host's).
     */
    public static String certName(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("*.") ? "wildcard_" + lower.substring(1) : lower;
    }
}
