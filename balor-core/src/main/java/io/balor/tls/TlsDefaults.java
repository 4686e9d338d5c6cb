package io.balor.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The TLS Balor speaks, both ways: TLS 1.3 and 1.2 only, with the AEAD suites of Mozilla's
 * "intermediate" profile (ECDHE key exchange, AES-GCM or ChaCha20-Poly1305), server order
 * preferred. Constants; any thread.
 */
final class TlsDefaults {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private static final List<String> SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The only application protocol offered or accepted: no {@code h2} until Balor speaks it. */
    static final String HTTP_1_1 = "http/1.1";
    static final String H2 = "h2";
    /** ALPN for an HTTP listener: {@code http/1.1} if offered, else none. */
    static final java.util.function.BiFunction<javax.net.ssl.SSLEngine, java.util.List<String>, String> HTTP_1_1_ONLY =
            (engine, offered) -> offered.contains(HTTP_1_1) ? HTTP_1_1 : "";
    /** ALPN for an HTTP listener with HTTP/2: {@code h2} if offered, else {@code http/1.1}, else none. */
    static final java.util.function.BiFunction<javax.net.ssl.SSLEngine, java.util.List<String>, String> H2_FIRST =
            (engine, offered) -> offered.contains(H2) ? H2 : offered.contains(HTTP_1_1) ? HTTP_1_1 : "";

    private TlsDefaults() {
    }

    /** Parameters for engines of {@code context}: protocols and the suites this JDK has. */
    static SSLParameters parameters(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        List<String> suites = new ArrayList<>();
        for (String suite : SUITES) {
            if (supported.contains(suite)) {
                suites.add(suite);
            }
        }
        parameters.setProtocols(Arrays.copyOf(PROTOCOLS, PROTOCOLS.length));
        parameters.setCipherSuites(suites.toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }
}
