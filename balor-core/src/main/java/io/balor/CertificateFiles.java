package io.balor;

import io.balor.tls.CertificateProblem;
import io.balor.tls.LoadedCertificate;
import io.balor.tls.PemFiles;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HostPort;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a certificate and key pair in PEM files the way a listener would load them, without
 * serving them: what the admin API does with an uploaded bundle before keeping it, and what
 * {@code balorctl validate} does with every file a config names ({@link #problems}). Stateless;
 * any thread (file I/O: not on an event loop).
 */
public final class CertificateFiles {

    private CertificateFiles() {
    }

    /**
     * Loads the chain in {@code certFile} and the key in {@code keyFile} (the same file may hold
     * both) and checks that the key matches the certificate.
     *
     * @return what it is (subject, names and IP addresses, issuer, validity, fingerprint), with {@code problem}
     *         null when it loads, else what is wrong (unreadable, not PEM, encrypted key, a key
     *         that does not match, ...) and the certificate fields null
     */
    public static CertificateStatus check(Path certFile, Path keyFile) {
        Instant now = Instant.now();
        try {
            LoadedCertificate loaded = PemFiles.load(certFile, keyFile);
            return new CertificateStatus(certFile.toString(), keyFile.toString(), loaded.subject(), loaded.dnsNames(),
                    loaded.ipAddresses(), loaded.issuer(), loaded.notBefore(), loaded.notAfter(), loaded.fingerprint(),
                    now, null, null);
        } catch (CertificateProblem e) {
            return new CertificateStatus(certFile.toString(), keyFile.toString(), null, null, null, null, null, null,
                    null, null, e.getMessage(), now);
        }
    }

    /**
     * Every certificate, key and CA file of {@code config} that an {@link Balor#apply} (or a start)
     * would load and could not, by the same field paths as the apply's refusal: the certificates
     * of enabled listeners that terminate TLS ({@code listeners[0].tls.cert_file},
     * {@code listeners[0].host_routes[1].tls.cert_file}: missing, unreadable, not PEM, a key that
     * does not match) and the CA bundles of pools with {@code https://} upstreams
     * ({@code pools[0].tls.ca_file}). The files are loaded and dropped: nothing is served, watched
     * or logged. An expired certificate is no problem here, as an apply serves it (and reports it).
     * Addresses are not checked: only binding them tells whether they are free.
     */
    public static List<ConfigProblem> problems(BalorConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            if (!listener.enabled() || !listener.terminatesTls()) {
                continue;
            }
            String path = "listeners[" + i + "]";
            List<RouteConfig> routes = listener.http().routes();
            for (int r = 0; r < routes.size(); r++) {
                load(routes.get(r).tls(), path + ".host_routes[" + r + "].tls.cert_file", problems);
            }
            if (listener.tls() != null) {
                load(listener.tls().certificate(), path + ".tls.cert_file", problems);
            }
        }
        for (int i = 0; i < config.pools().size(); i++) {
            PoolConfig pool = config.pools().get(i);
            boolean https = pool.upstreams().stream()
                    .anyMatch(u -> "https".equals(HostPort.parseUpstream(u.address()).value().scheme()));
            if (https && pool.tls().caFile() != null && pool.tls().verify()) {
                try {
                    PemFiles.trustManager(Path.of(pool.tls().caFile()));
                } catch (CertificateProblem e) {
                    problems.add(new ConfigProblem("pools[" + i + "].tls.ca_file", e.getMessage()));
                }
            }
        }
        return problems;
    }

    private static void load(CertificateConfig certificate, String path, List<ConfigProblem> problems) {
        if (certificate == null) {
            return;
        }
        try {
            PemFiles.load(Path.of(certificate.certFile()).toAbsolutePath().normalize(),
                    Path.of(certificate.keyFile()).toAbsolutePath().normalize());
        } catch (CertificateProblem | RuntimeException e) {
            problems.add(new ConfigProblem(path, e.getMessage()));
        }
    }

    /**
     * A TLS server context serving the pair in {@code certFile} and {@code keyFile} (for a server
     * that is not a listener, such as the admin console), which loads the files again when they
     * change ({@link io.balor.tls.ReloadingKeyManager}: a certificate renewed in place is served
     * within seconds, without a restart).
     *
     * @throws IllegalArgumentException saying what is wrong with the files now
     */
    public static javax.net.ssl.SSLContext serverContext(Path certFile, Path keyFile) {
        try {
            return io.balor.tls.ReloadingKeyManager.context(certFile, keyFile);
        } catch (CertificateProblem e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
