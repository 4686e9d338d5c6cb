package io.balor.tls;

import io.balor.CertificateStatus;
import io.balor.log.EventLogger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;

/**
 * One certificate file pair as served now: the last good load with its server
 * {@link SSLContext} (and so its session cache), the files' stamps, and the last problem.
 *
 * <p>Loads and reloads run on the supervisor or the reload thread, under this object's lock;
 * the loops read the published {@link Served} through one volatile read per handshake, so a
 * reload changes what new handshakes get and never touches established connections. A reload
 * that fails (unreadable file, key not matching, expired certificate) keeps the last good pair
 * and records the problem.
 */
public final class CertificateEntry {

    private static final EventLogger LOG = EventLogger.of("tls", "io.balor.tls");

    /** What new handshakes get. */
    record Served(LoadedCertificate certificate, SSLContext context, SSLParameters parameters, Instant loadedAt) {
    }

    private final Path certFile;
    private final Path keyFile;
    private volatile Served served;
    private volatile String problem;
    private volatile Instant problemSince;
    private String stamp = "";

    CertificateEntry(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    Path certFile() {
        return certFile;
    }

    Path keyFile() {
        return keyFile;
    }

    /** Whether handshakes can be served (a certificate was loaded once). */
    public boolean usable() {
        return served != null;
    }

    /** The names the served certificate covers (lower case, wildcards as {@code *.x}). */
    java.util.List<String> dnsNames() {
        Served now = served;
        return now == null ? java.util.List.of() : now.certificate().dnsNames();
    }

    /**
     * A server engine with the served certificate, or null if none was ever loaded; for an HTTP
     * listener it picks ALPN {@code h2} (when {@code http2}) or {@code http/1.1} from what the
     * client offers, and no protocol when it offers neither. Loop thread.
     */
    SSLEngine newEngine(boolean http, boolean http2) {
        Served now = served;
        if (now == null) {
            return null;
        }
        SSLEngine engine = now.context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(now.parameters());
        if (http2) {
            engine.setHandshakeApplicationProtocolSelector(TlsDefaults.H2_FIRST);
        } else if (http) {
            engine.setHandshakeApplicationProtocolSelector(TlsDefaults.HTTP_1_1_ONLY);
        }
        return engine;
    }

    /**
     * Loads the files if they changed since the last look (or were never loaded). An expired
     * certificate replaces nothing but is served when there is nothing else. Supervisor or
     * reload thread.
     */
    synchronized void refresh(Clock clock) {
        String now = stampOf();
        if (now.equals(stamp)) {
            noticeExpiry(clock);
            return;
        }
        stamp = now;
        try {
            LoadedCertificate loaded = PemFiles.load(certFile, keyFile);
            // Named like every other problem (the whole path first); that the previous pair is
            // still served is what any problem with a loaded certificate means (CertificateStatus).
            String invalid = certFile + ": the certificate is not valid now (valid " + loaded.notBefore() + " to "
                    + loaded.notAfter() + ")";
            if (loaded.expired(clock.instant()) && served != null) {
                throw new CertificateProblem(invalid);
            }
            SSLContext context = context(loaded);
            served = new Served(loaded, context, TlsDefaults.parameters(context), clock.instant());
            problem = loaded.expired(clock.instant()) ? invalid : null;
            problemSince = problem == null ? null : clock.instant();
            LOG.log(System.Logger.Level.INFO, "loaded certificate " + certFile + " (" + loaded.subject() + ", until "
                    + loaded.notAfter() + ")");
        } catch (CertificateProblem e) {
            problem = e.getMessage();
            problemSince = clock.instant();
            // A first load that fails is the caller's to report (the apply that asked for it is
            // refused with this problem); only a reload of a served certificate is an event.
            if (served != null) {
                LOG.log(System.Logger.Level.WARNING, "certificate " + certFile + ": " + e.getMessage()
                        + " (the previous certificate is still served)");
            }
        }
    }

    /** A served certificate that runs out while its files stay the same is reported (once). */
    private void noticeExpiry(Clock clock) {
        Served current = served;
        if (current != null && problem == null && current.certificate().expired(clock.instant())) {
            LoadedCertificate cert = current.certificate();
            problem = certFile + ": the certificate is not valid now (valid " + cert.notBefore() + " to "
                    + cert.notAfter() + ")";
            problemSince = clock.instant();
            LOG.log(System.Logger.Level.WARNING, "certificate " + problem + "; it is still served until replaced");
        }
    }

    /** The problem of the last load, or null. */
    String problem() {
        return problem;
    }

    CertificateStatus status() {
        Served now = served;
        LoadedCertificate cert = now == null ? null : now.certificate();
        return new CertificateStatus(certFile.toString(), keyFile.toString(),
                cert == null ? null : cert.subject(), cert == null ? java.util.List.of() : cert.dnsNames(),
                cert == null ? java.util.List.of() : cert.ipAddresses(), cert == null ? null : cert.issuer(), cert == null ? null : cert.notBefore(),
                cert == null ? null : cert.notAfter(), cert == null ? null : cert.fingerprint(),
                now == null ? null : now.loadedAt(), problem, problemSince);
    }

    private String stampOf() {
        return stampOf(certFile) + "/" + stampOf(keyFile);
    }

    /** Modification time and size of {@code file}, or "missing". */
    static String stampOf(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    /** A server context that serves {@code loaded} to every handshake. */
    public static SSLContext context(LoadedCertificate loaded) throws CertificateProblem {
        return context(new OneKey(loaded));
    }

    /** A server context whose handshakes get their pair from {@code keys}. */
    static SSLContext context(ServerKeyManager keys) throws CertificateProblem {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, null, null);
            context.getServerSessionContext().setSessionTimeout(3600);
            return context;
        } catch (GeneralSecurityException e) {
            throw new CertificateProblem("TLS could not use this certificate: " + e.getMessage());
        }
    }

    /** Serves one chain and key to every handshake that can use its key type. */
    private static final class OneKey extends ServerKeyManager {
        private static final String ALIAS = "balor";
        private final LoadedCertificate loaded;

        OneKey(LoadedCertificate loaded) {
            this.loaded = loaded;
        }

        @Override
        String alias(String keyType) {
            return loaded.key().getAlgorithm().equals(keyType) ? ALIAS : null;
        }

        @Override
        LoadedCertificate pair(String alias) {
            return ALIAS.equals(alias) ? loaded : null;
        }
    }
}
