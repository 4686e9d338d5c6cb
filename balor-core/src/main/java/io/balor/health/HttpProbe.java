package io.balor.health;

import io.balor.config.HealthCheckConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.CertificateProblem;
import io.balor.upstream.Upstream;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 request on a fresh connection, plain or (HTTPS checks) TLS: {@code METHOD path},
 * {@code Host} the upstream's address as written, {@code User-Agent: balor-health-check},
 * {@code Connection: close}, then the check's headers (which replace those of the same name).
 * Healthy when the status line's code is in the check's range; only the status line is read
 * (RFC 9112 §4), the connection is then closed. The whole exchange shares one deadline: the
 * connect, the TLS handshake and every read get what is left of the timeout.
 *
 * <p>TLS follows the pool's {@link UpstreamTlsConfig}: the JDK's trust store, the pool's CA
 * bundle, or nothing when it says {@code verify: false}; the SNI and the name the certificate
 * must carry are the pool's {@code sni}, else the upstream's host (an IP address gets no SNI and
 * is checked against the certificate's IP entries). Immutable; the TLS context is built once,
 * and a CA bundle that cannot be read makes every probe fail with the reason.
 *
 * <p>To a pool that sends the PROXY protocol, the request is preceded (before TLS too) by a
 * header, as HAProxy's checks of a {@code send-proxy} server are: one that speaks for no client,
 * {@code PROXY UNKNOWN} (v1) or the {@code LOCAL} command (v2), which the specification gives
 * for a proxy's own connections such as health checks (the upstream uses the connection's own
 * ends). An upstream that requires the header would refuse the check without one.
 */
final class HttpProbe implements Probe {

    private static final int MAX_STATUS_LINE = 8192;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final HealthCheckConfig check;
    private final boolean tls;
    private final UpstreamTlsConfig tlsConfig;
    private final SSLContext context;
    private final String contextProblem;
    /** The PROXY header written first, or null (the pool sends none). */
    private final byte[] proxyHeader;

    HttpProbe(HealthCheckConfig check, UpstreamTlsConfig tlsConfig) {
        this(check, tlsConfig, 0);
    }

    /** @param sendProxyVersion the pool's PROXY protocol version (1, 2), or 0 for none */
    HttpProbe(HealthCheckConfig check, UpstreamTlsConfig tlsConfig, int sendProxyVersion) {
        this.check = check;
        if (sendProxyVersion == 0) {
            this.proxyHeader = null;
        } else {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(io.balor.net.ProxyHeaderWriter.MAX_LENGTH);
            io.balor.net.ProxyHeaderWriter.write(header, sendProxyVersion, null, null);
            this.proxyHeader = java.util.Arrays.copyOf(header.array(), header.position());
        }
        this.tls = check.type() == HealthCheckConfig.Type.HTTPS;
        this.tlsConfig = tlsConfig == null ? UpstreamTlsConfig.DEFAULT : tlsConfig;
        SSLContext built = null;
        String problem = null;
        if (tls) {
            try {
                built = io.balor.tls.UpstreamTls.clientContext(this.tlsConfig);
            } catch (CertificateProblem e) {
                problem = Probe.reason("tls", e);
            }
        }
        this.context = built;
        this.contextProblem = problem;
    }

    @Override
    public String run(Upstream upstream, long timeoutNanos) {
        if (contextProblem != null) {
            return contextProblem;
        }
        if (upstream.address().isUnresolved()) {
            return "unresolved host " + upstream.address().getHostString();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        String authority = new String(upstream.authority(), StandardCharsets.US_ASCII);
        String step = "connect";
        try (Socket plain = new Socket()) {
            plain.connect(upstream.address(), TcpProbe.millis(timeoutNanos));
            if (proxyHeader != null) {
                plain.getOutputStream().write(proxyHeader);   // plain, before any TLS
            }
            Socket socket = plain;
            if (tls) {
                step = "tls";
                socket = handshake(plain, upstream, authority, deadline);
            }
            try (Socket ignored = socket) {
                step = "request";
                OutputStream out = socket.getOutputStream();
                out.write(request(authority).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                step = "response";
                return status(socket, deadline);
            }
        } catch (java.net.SocketTimeoutException e) {
            return step + ": timed out after " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
        } catch (IOException e) {
            return Probe.reason(step, e);
        }
    }

    private SSLSocket handshake(Socket plain, Upstream upstream, String authority, long deadline) throws IOException {
        String name = tlsConfig.serverName() != null ? tlsConfig.serverName() : host(authority);
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, name, upstream.address().getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        if (tlsConfig.verify()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!io.balor.tls.UpstreamTls.isIpLiteral(name)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                parameters.setServerNames(List.of());
            }
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(remainingMillis(deadline));
        socket.startHandshake();
        return socket;
    }

    /** The request head; the check's headers replace the defaults of the same name (any case). */
    String request(String authority) {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        fields.put("Host", authority);
        fields.put("User-Agent", "balor-health-check");
        fields.put("Connection", "close");
        fields.putAll(check.headers());
        StringBuilder head = new StringBuilder(128);
        head.append(check.method()).append(' ').append(check.path()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> field : fields.entrySet()) {
            head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** Reads the status line and judges its code. */
    private String status(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder(64);
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0) {
                return "response: connection closed before a status line";
            }
            if (b == '\n') {
                break;
            }
            if (line.length() == MAX_STATUS_LINE) {
                return "response: status line longer than " + MAX_STATUS_LINE + " bytes";
            }
            line.append((char) b);
        }
        int length = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
        if (length < 12 || !line.substring(0, 7).equals("HTTP/1.") || line.charAt(8) != ' '
                || !digit(line.charAt(9)) || !digit(line.charAt(10)) || !digit(line.charAt(11))
                || (length > 12 && line.charAt(12) != ' ')) {
            return "response: not an HTTP/1.x status line: " + printable(line.substring(0, Math.min(length, 40)));
        }
        int code = (line.charAt(9) - '0') * 100 + (line.charAt(10) - '0') * 10 + (line.charAt(11) - '0');
        if (code < check.statusMin() || code > check.statusMax()) {
            return "status " + code + ", expected " + check.statusMin() + "-" + check.statusMax();
        }
        return null;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= ' ' && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static int remainingMillis(long deadline) throws java.net.SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("deadline passed");
        }
        return TcpProbe.millis(left);
    }

    /** The host of {@code host:port} or {@code [v6]:port}. */
    static String host(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(1, end);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    @Override
    public String toString() {
        return (tls ? "https " : "http ") + check.method() + " " + check.path();
    }
}
