package io.balor.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager that serves the handshakes of a server from one pair at a time: a subclass says
 * which alias a handshake of a key type gets ({@link #alias}) and which pair an alias names
 * ({@link #pair}); client authentication is never offered. Thread-safe as its subclass is.
 */
abstract class ServerKeyManager extends X509ExtendedKeyManager {

    /** The alias for a handshake that can use {@code keyType} ({@code EC}, {@code RSA}), or null. */
    abstract String alias(String keyType);

    /** The pair {@code alias} names, or null. */
    abstract LoadedCertificate pair(String alias);

    @Override
    public final String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public final String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public final String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public final X509Certificate[] getCertificateChain(String alias) {
        LoadedCertificate pair = pair(alias);
        return pair == null ? null : pair.chain();
    }

    @Override
    public final PrivateKey getPrivateKey(String alias) {
        LoadedCertificate pair = pair(alias);
        return pair == null ? null : pair.key();
    }

    @Override
    public final String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public final String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
