package io.balor.tls;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The key manager of a TLS server that is not a listener (the admin console): it serves the pair
 * in two PEM files and looks at them again, at most every {@link #CHECK_EVERY}, on a handshake
 * that comes by then ({@link CertificateEntry#stampOf}: modification time and size). A changed
 * pair that loads is served from the next handshake on, so a certificate renewed in place (by
 * ACME, by hand) needs no restart; one that does not load (half written, a key that does not
 * match) is ignored and the previous pair stays. A handshake asks for the chain and the key by
 * the alias it was given, which names the pair's generation, so a reload between the two calls
 * cannot mix pairs. Thread-safe: handshakes run on any thread.
 */
public final class ReloadingKeyManager extends ServerKeyManager {

    /** How often the files are looked at, at most. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    private static final String PREFIX = "balor-";

    /** One loaded pair and the files' stamp it was loaded from. */
    private record Generation(int number, LoadedCertificate loaded, String stamp) {
    }

    private final Path certFile;
    private final Path keyFile;
    private final long checkEveryNanos;
    private volatile Generation current;
    private volatile Generation previous;
    private volatile long nextCheck;

    ReloadingKeyManager(Path certFile, Path keyFile, Duration checkEvery) throws CertificateProblem {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.checkEveryNanos = checkEvery.toNanos();
        String stamp = stamp();
        this.current = new Generation(1, PemFiles.load(certFile, keyFile), stamp);
        this.nextCheck = System.nanoTime() + checkEveryNanos;
    }

    /**
     * A server context serving the pair in {@code certFile} and {@code keyFile}, reloaded when they change.
     *
     * @throws CertificateProblem when the pair does not load now
     */
    public static SSLContext context(Path certFile, Path keyFile) throws CertificateProblem {
        return CertificateEntry.context(new ReloadingKeyManager(certFile, keyFile, CHECK_EVERY));
    }

    /** The pair to serve now, the files looked at first when it is time. */
    private Generation fresh() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            synchronized (this) {
                if (now - nextCheck >= 0) {
                    nextCheck = now + checkEveryNanos;
                    reloadIfChanged();
                }
            }
        }
        return current;
    }

    private void reloadIfChanged() {
        String stamp = stamp();
        Generation served = current;
        if (stamp.equals(served.stamp())) {
            return;
        }
        try {
            LoadedCertificate loaded = PemFiles.load(certFile, keyFile);
            previous = served;
            current = new Generation(served.number() + 1, loaded, stamp);
        } catch (CertificateProblem e) {
            // Half written, missing, or not a pair (yet): the previous one stays, and the next look tries again.
        }
    }

    private String stamp() {
        return CertificateEntry.stampOf(certFile) + "/" + CertificateEntry.stampOf(keyFile);
    }

    @Override
    String alias(String keyType) {
        Generation generation = fresh();
        return generation.loaded().key().getAlgorithm().equals(keyType) ? PREFIX + generation.number() : null;
    }

    @Override
    LoadedCertificate pair(String alias) {
        for (Generation generation : new Generation[] {current, previous}) {
            if (generation != null && (PREFIX + generation.number()).equals(alias)) {
                return generation.loaded();
            }
        }
        return null;
    }
}
