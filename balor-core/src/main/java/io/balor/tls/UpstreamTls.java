package io.balor.tls;

import io.balor.config.UpstreamTlsConfig;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a pool's connections to {@code https://} upstreams speak TLS: one client
 * {@link SSLContext} per pool (its session cache lets reconnects resume), verification against
 * the JDK's trust store, a CA bundle, or (said explicitly) nothing. Built on the supervisor
 * thread; {@link #engine} runs on the loops.
 */
public final class UpstreamTls {

    private final SSLContext context;
    private final SSLParameters parameters;
    private final String serverName;

    private UpstreamTls(SSLContext context, boolean verify, String serverName) {
        this.context = context;
        this.serverName = serverName;
        this.parameters = TlsDefaults.parameters(context);
        parameters.setApplicationProtocols(new String[] {TlsDefaults.HTTP_1_1});
        if (verify) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
    }

    /** Throws when the CA bundle cannot be read. */
    public static UpstreamTls of(UpstreamTlsConfig config) throws CertificateProblem {
        return new UpstreamTls(clientContext(config), config.verify(), config.serverName());
    }

    /**
     * A client context trusting what {@code config} says: the JDK's trust store, its CA bundle,
     * or (verify off) everything. Also what HTTPS health probes use. Throws when the CA bundle
     * cannot be read.
     */
    public static SSLContext clientContext(UpstreamTlsConfig config) throws CertificateProblem {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = null;   // the JDK's default trust store
            if (!config.verify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (config.caFile() != null) {
                trust = new TrustManager[] {PemFiles.trustManager(Path.of(config.caFile()))};
            }
            context.init(null, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new CertificateProblem("TLS client context: " + e.getMessage());
        }
    }

    /** The pool's fixed SNI name, or null to use the client's Host. */
    public String serverName() {
        return serverName;
    }

    /**
     * A client engine for one connection. {@code name} is the SNI name and the name the
     * certificate must carry (an IP literal is sent no SNI and checked against IP SANs). A name
     * that cannot be an SNI host name (RFC 6066 §3: an underscore, a label over 63 bytes, as a
     * client's Host may carry) is sent no SNI either; with verification on, the JDK then refuses
     * it as the certificate's name too, so the connect fails as for any other mismatch.
     */
    public SSLEngine engine(String name, int port) {
        return engine(name, port, false);
    }

    /**
     * As {@link #engine(String, int)}, offering ALPN {@code h2} alone when {@code http2} (a pool
     * that speaks HTTP/2: an upstream that does not take it refuses the handshake, or chooses
     * nothing, and is spoken HTTP/2 to all the same, as the pool says).
     */
    public SSLEngine engine(String name, int port, boolean http2) {
        SSLEngine engine = context.createSSLEngine(name, port);
        engine.setUseClientMode(true);
        SSLParameters own = parameters;
        SNIHostName sni = name == null || isIpLiteral(name) ? null : sniName(name);
        if (sni != null || http2) {
            own = copy(parameters);
        }
        if (sni != null) {
            own.setServerNames(List.of(sni));
        }
        if (http2) {
            own.setApplicationProtocols(new String[] {"h2"});
        }
        engine.setSSLParameters(own);
        return engine;
    }

    private static SNIHostName sniName(String name) {
        try {
            return new SNIHostName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static SSLParameters copy(SSLParameters from) {
        SSLParameters to = new SSLParameters(from.getCipherSuites(), from.getProtocols());
        to.setUseCipherSuitesOrder(from.getUseCipherSuitesOrder());
        to.setApplicationProtocols(from.getApplicationProtocols());
        to.setEndpointIdentificationAlgorithm(from.getEndpointIdentificationAlgorithm());
        return to;
    }

    /** Whether {@code name} is an IPv4 or IPv6 literal (sent no SNI; checked against IP SANs). */
    public static boolean isIpLiteral(String name) {
        if (name.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** Accepts every certificate: for pools that turned verification off. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
