package io.balor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.balor.tls.TestPki;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTPS upstream for tests: the JDK's {@link HttpsServer} on 127.0.0.1 (ephemeral port)
 * with a certificate from {@link TestPki}. It answers {@code name METHOD path body-length
 * host=HOST sni=SNI} and records, per request, the Host header and the TLS server name (SNI)
 * of the connection it came on; per connection (client port) and per full handshake, so tests
 * can count how often Balor connected and handshook.
 *
 * <p>Other paths: {@code /echo} answers the request body; {@code /big/N} answers N bytes of
 * {@link #bigBody(int)}; {@code /chunked} answers 100 lines with chunked framing.
 *
 * <p>The SNI is seen by wrapping the key manager: the JDK calls
 * {@code chooseEngineServerAlias} during each full handshake with the engine, whose handshake
 * session already carries the requested server names. A resumed handshake does not call it;
 * the per-request SNI is read from the exchange's established session instead.
 */
final class HttpsUpstream implements AutoCloseable {

    static {
        // As in HttpUpstream: without NODELAY the JDK server's split head/body writes stall.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the upstream saw it; {@code sni} is "" when the client sent none. */
    record Seen(String method, String path, String host, String sni, int clientPort, int bodyLength) {
    }

    private final String name;
    private final HttpsServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final List<String> handshakeNames = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();

    /** An upstream presenting {@code leaf} with its chain (leaf, then CAs). */
    HttpsUpstream(String name, TestPki.Leaf leaf) throws IOException {
        this(name, leaf.chain().toArray(new X509Certificate[0]), leaf.keyPair().getPrivate());
    }

    /** An upstream presenting a self-signed certificate (a TestPki CA's own). */
    static HttpsUpstream selfSigned(String name, TestPki self) throws IOException {
        return new HttpsUpstream(name, new X509Certificate[] {self.certificate()}, self.keyPair().getPrivate());
    }

    private HttpsUpstream(String name, X509Certificate[] chain, PrivateKey key) throws IOException {
        this.name = name;
        SSLContext context = serverContext(chain, key, this::handshook);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code https://127.0.0.1:port}, as a pool upstream. */
    String address() {
        return "https://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Seen> seen() {
        return seen;
    }

    /** Distinct TCP connections that carried a request. */
    int connections() {
        return clientPorts.size();
    }

    /** Full TLS handshakes (a certificate was chosen); resumed ones are not counted. */
    int handshakes() {
        return handshakes.get();
    }

    /** The SNI of each full handshake, in order ("" for none). */
    List<String> handshakeNames() {
        return handshakeNames;
    }

    /** The deterministic body {@code /big/N} answers. */
    static byte[] bigBody(int length) {
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);
        return body;
    }

    private void handshook(String sni) {
        handshakes.incrementAndGet();
        handshakeNames.add(sni);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int port = exchange.getRemoteAddress().getPort();
        clientPorts.add(port);
        String host = exchange.getRequestHeaders().getFirst("Host");
        String sni = sni(((HttpsExchange) exchange).getSSLSession());
        String path = exchange.getRequestURI().getPath();
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(), host, sni, port,
                body.length));
        if (path.startsWith("/echo")) {
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        if (path.startsWith("/big/")) {
            byte[] big = bigBody(Integer.parseInt(path.substring(5)));
            exchange.sendResponseHeaders(200, big.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            }
            return;
        }
        if (path.startsWith("/chunked")) {
            exchange.sendResponseHeaders(200, 0);   // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            return;
        }
        byte[] answer = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + body.length + " host=" + host + " sni=" + sni).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private static String sni(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            return hostName(extended.getRequestedServerNames());
        }
        return "";
    }

    static String hostName(List<SNIServerName> names) {
        for (SNIServerName name : names) {
            if (name instanceof SNIHostName host) {
                return host.getAsciiName();
            }
        }
        return "";
    }

    /** Gets the SNI of every full handshake a server context does. */
    interface HandshakeListener {
        void handshook(String sni);
    }

    /**
     * A server {@link SSLContext} for {@code chain} and {@code key}, from an in-memory key store
     * (the SunX509 key manager, which does not check key usage: a self-signed CA certificate
     * serves too), wrapped so that {@code listener} hears each full handshake's SNI.
     */
    static SSLContext serverContext(X509Certificate[] chain, PrivateKey key, HandshakeListener listener) {
        try {
            char[] password = "test".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("leaf", key, password, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(store, password);
            X509ExtendedKeyManager delegate = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new RecordingKeyManager(delegate, listener)}, null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delegates everything; reports the SNI when a server certificate is chosen. */
    private static final class RecordingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;
        private final HandshakeListener listener;

        RecordingKeyManager(X509ExtendedKeyManager delegate, HandshakeListener listener) {
            this.delegate = delegate;
            this.listener = listener;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            String alias = delegate.chooseEngineServerAlias(keyType, issuers, engine);
            if (alias != null) {
                listener.handshook(sni(engine.getHandshakeSession()));
            }
            return alias;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String alias = delegate.chooseServerAlias(keyType, issuers, socket);
            if (alias != null && socket instanceof javax.net.ssl.SSLSocket ssl) {
                listener.handshook(sni(ssl.getHandshakeSession()));
            }
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
