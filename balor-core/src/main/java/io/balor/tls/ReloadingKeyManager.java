package io.balor.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The key manager of a TLS server that is not a listener (the admin console): it serves the pair
 * in two PEM files and looks at them again, at most every {@link #CHECK_EVERY}, on a handshake
 * that comes by then. A changed pair that loads is served from the next handshake on, so a
 * certificate renewed in place (by ACME, by hand) needs no restart; one that does not load (half
 * written, a key that does not match) is ignored and the previous pair stays. A handshake asks
 * for the chain and the key by the alias it was given, which names the pair's generation, so a
 * reload between the two calls cannot mix pairs. Thread-safe: handshakes run on any thread.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    /** How often the files are looked at, at most. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    private static final String PREFIX = "balor-";

    /** One loaded pair and the files' stamps it was loaded from. */
    private record Generation(int number, LoadedCertificate loaded, List<Object> stamps) {
    }

    private final Path certFile;
    private final Path keyFile;
    private final long checkEveryNanos;
    private volatile Generation current;
    private volatile Generation previous;
    private volatile long nextCheck;

    /**
     * @throws CertificateProblem when the pair does not load now
     */
    public ReloadingKeyManager(Path certFile, Path keyFile) throws CertificateProblem {
        this(certFile, keyFile, CHECK_EVERY);
    }

    ReloadingKeyManager(Path certFile, Path keyFile, Duration checkEvery) throws CertificateProblem {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.checkEveryNanos = checkEvery.toNanos();
        List<Object> stamps = stamps();
        this.current = new Generation(1, PemFiles.load(certFile, keyFile), stamps);
        this.nextCheck = System.nanoTime() + checkEveryNanos;
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
        List<Object> stamps = stamps();
        Generation served = current;
        if (stamps == null || stamps.equals(served.stamps())) {
            return;
        }
        try {
            LoadedCertificate loaded = PemFiles.load(certFile, keyFile);
            previous = served;
            current = new Generation(served.number() + 1, loaded, stamps);
        } catch (CertificateProblem e) {
            // Half written, or not a pair (yet): the previous one stays, and the next look tries again.
        }
    }

    /** Both files' modification times and sizes, or null when one cannot be read. */
    private List<Object> stamps() {
        try {
            return List.of(Files.getLastModifiedTime(certFile), Files.size(certFile),
                    Files.getLastModifiedTime(keyFile), Files.size(keyFile));
        } catch (IOException e) {
            return null;
        }
    }

    private String alias(String keyType) {
        Generation generation = fresh();
        return generation.loaded().key().getAlgorithm().equals(keyType) ? PREFIX + generation.number() : null;
    }

    /** The generation {@code alias} names, if it is still kept. */
    private LoadedCertificate loaded(String alias) {
        for (Generation generation : new Generation[] {current, previous}) {
            if (generation != null && (PREFIX + generation.number()).equals(alias)) {
                return generation.loaded();
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        LoadedCertificate loaded = loaded(alias);
        return loaded == null ? null : loaded.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        LoadedCertificate loaded = loaded(alias);
        return loaded == null ? null : loaded.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
