package io.balor;

import io.balor.config.CertificateConfig;
import io.balor.tls.TestPki;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS clients for the termination tests: a JDK {@link SSLContext} trusting a test CA, the leaf a
 * listener presents for a server name, an {@code SSLEngine} client that splits its records, a
 * blocking HTTP/1.1 response reader, and the real command-line clients (openssl s_client, curl)
 * run with a deadline, or driven line by line ({@link Interactive}).
 */
final class TlsClients {

    /** What an external command printed (stdout and stderr together) and how it ended. */
    record Run(List<String> command, int exit, String output) {
        boolean has(String text) {
            return output.contains(text);
        }

        /** For assertion messages. */
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + "\n" + output;
        }
    }

    /** One HTTP/1.1 response: status, header fields (names lower case, repeated ones joined), body. */
    record Response(int status, String head, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private TlsClients() {
    }

    // ---- JDK TLS

    /** A new client context (with its own session cache) that trusts only the certificates in {@code caBundle}. */
    static SSLContext trusting(Path caBundle) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caBundle)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, cert);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * A connected and handshaken TLS socket to {@code address}, sending {@code serverName} as SNI
     * (none when null). The chain is verified against {@code context}'s CAs; the name is not
     * (that is what lets a test see a fallback certificate).
     *
     * <p>The JDK client caches sessions by peer host and port, and when it resumes one it sends
     * that session's SNI again, whatever this socket asked for. The peer host is therefore the
     * server name (as a browser's cache is keyed by name), not the address all tests connect to.
     */
    static SSLSocket open(InetSocketAddress address, String serverName, SSLContext context) throws IOException {
        Socket plain = Clients.connect(address);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
                serverName != null ? serverName : address.getAddress().getHostAddress(), address.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * The leaf certificate a new client gets for {@code serverName} (a full handshake: a fresh
     * context, so nothing to resume); throws if the handshake fails.
     */
    static X509Certificate presented(InetSocketAddress address, String serverName, Path caBundle)
            throws IOException, GeneralSecurityException {
        try (SSLSocket socket = open(address, serverName, trusting(caBundle))) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** The subject common name of {@code cert} ({@code CN=x} → {@code x}). */
    static String cn(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        for (String part : subject.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return subject;
    }

    /**
     * A TLS client driving an {@link SSLEngine} over a blocking socket (TCP_NODELAY) that writes
     * its ciphertext, handshake included, in pieces of at most {@code chunk} bytes, one write
     * each: the server meets records (and the ClientHello) split at every size.
     */
    static final class ChunkedClient implements AutoCloseable {
        private final Socket socket;
        private final SSLEngine engine;
        private final int chunk;
        private final ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
        private final ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
        private boolean closed;

        ChunkedClient(InetSocketAddress address, String serverName, SSLContext context, int chunk) throws IOException {
            this.chunk = chunk;
            socket = Clients.connect(address);
            socket.setTcpNoDelay(true);
            engine = context.createSSLEngine(serverName, address.getPort());
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            engine.setSSLParameters(parameters);
            appIn.flip();
            engine.beginHandshake();
            while (engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.FINISHED) {
                step();
            }
        }

        void write(String plain) throws IOException {
            ByteBuffer source = ByteBuffer.wrap(plain.getBytes(StandardCharsets.US_ASCII));
            while (source.hasRemaining()) {
                wrapAndSend(source);
            }
        }

        /** The plaintext the server sends, as a stream (ends at close_notify or end of stream). */
        InputStream in() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] into, int offset, int length) throws IOException {
                    if (length == 0) {
                        return 0;   // InputStream.readNBytes asks for 0 bytes once it has all
                    }
                    while (!appIn.hasRemaining()) {
                        if (closed) {
                            return -1;
                        }
                        step();
                    }
                    int n = Math.min(length, appIn.remaining());
                    appIn.get(into, offset, n);
                    return n;
                }
            };
        }

        /** One engine step: a task, a wrap, or an unwrap (reading the socket when a record is incomplete). */
        private void step() throws IOException {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> wrapAndSend(ByteBuffer.allocate(0));
                default -> unwrap();
            }
        }

        private void unwrap() throws IOException {
            netIn.flip();
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (result.getStatus()) {
                case CLOSED -> closed = true;
                case BUFFER_UNDERFLOW -> {
                    int n = socket.getInputStream().read(netIn.array(), netIn.position(), netIn.remaining());
                    if (n < 0) {
                        closed = true;
                        return;
                    }
                    netIn.position(netIn.position() + n);
                }
                case OK -> { }
                default -> throw new IOException("unwrap: " + result);
            }
        }

        private void wrapAndSend(ByteBuffer source) throws IOException {
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(source, out);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new IOException("wrap: " + result);
            }
            out.flip();
            while (out.hasRemaining()) {
                int n = Math.min(chunk, out.remaining());
                socket.getOutputStream().write(out.array(), out.position(), n);
                out.position(out.position() + n);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ---- HTTP/1.1 over a blocking stream

    /** Writes {@code requests} (one or more, pipelined) in one write. */
    static void send(Socket socket, String requests) throws IOException {
        socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one response with a Content-Length body (what Balor sends for the test upstreams). */
    static Response readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended inside a response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (length != null && body.length != Integer.parseInt(length)) {
            throw new IOException("connection ended inside a body of " + length + " bytes after " + body.length);
        }
        return new Response(status, text, headers, body);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of certificates, in order (to write a chain the way a test wants it). */
    static String pem(List<X509Certificate> certs) throws GeneralSecurityException {
        StringBuilder text = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate cert : certs) {
            text.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(cert.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return text.toString();
    }

    /** Writes {@code leaf} (with its CAs) to {@code name.crt} and its key to {@code name.key}. */
    static CertificateConfig files(Path dir, String name, TestPki.Leaf leaf, TestPki.KeyFormat format) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        leaf.writeCert(cert, true);
        leaf.writeKey(key, format);
        return new CertificateConfig(cert.toString(), key.toString());
    }

    // ---- external clients

    /**
     * Runs {@code command} with {@code input} on its stdin (null: /dev/null), stdout and stderr
     * into one file in {@code dir}; kills it if it has not ended within {@code limit}.
     */
    static Run run(Path dir, Duration limit, String input, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        if (input == null) {
            builder.redirectInput(new File("/dev/null"));
        } else {
            Path in = Files.createTempFile(dir, "in-", ".txt");
            Files.writeString(in, input, StandardCharsets.US_ASCII);
            builder.redirectInput(in.toFile());
        }
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("did not end within " + limit + ": " + String.join(" ", command) + "\n"
                    + Files.readString(out, StandardCharsets.ISO_8859_1));
        }
        return new Run(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    /**
     * {@code openssl s_client -connect 127.0.0.1:port} plus {@code args} (e.g. {@code -servername x},
     * {@code -tls1_2}), with {@code input} on stdin (null: none, so it ends after the handshake).
     */
    static Run sClient(Path dir, int port, String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(List.of(args));
        return run(dir, Duration.ofSeconds(20), input, command);
    }

    /**
     * The first 11 bytes {@code openssl s_client args} sends (record header, handshake type and
     * length, legacy version), read off a socket that never answers (to see what a client really offers).
     */
    static byte[] helloStart(String... args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + server.getLocalPort()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                return socket.getInputStream().readNBytes(11);
            } finally {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** {@code curl -sS --max-time 30} plus {@code args}. */
    static Run curl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        return run(dir, Duration.ofSeconds(40), null, command);
    }

    /**
     * A running command whose stdin the test writes as it goes (for s_client's command letters:
     * {@code K} asks for a TLS 1.3 key update, {@code R} renegotiates TLS 1.2) and whose output
     * it waits on. Closing it closes stdin, and kills it if it has not ended 10 s later.
     */
    static final class Interactive implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final List<String> command;

        Interactive(Path dir, List<String> command) throws IOException {
            this.command = List.copyOf(command);
            out = Files.createTempFile(dir, "out-", ".txt");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        }

        void send(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
        }

        String output() {
            try {
                return Files.readString(out, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Waits until the output holds {@code text} {@code times} times; fails at once if the command ends first. */
        void await(String text, int times) {
            Await.until("'" + text + "' x" + times + " from " + String.join(" ", command), () -> {
                boolean ended = !process.isAlive();   // read before the output: all of it is in by then
                if (count(output(), text) >= times) {
                    return true;
                }
                if (ended) {
                    throw new AssertionError("ended without '" + text + "' x" + times + ":\n" + output());
                }
                return false;
            });
        }

        /** Waits until the command ends by itself (the server closed the connection). */
        void awaitEnd() {
            Await.until("the end of " + String.join(" ", command), () -> !process.isAlive());
        }

        static int count(String haystack, String needle) {
            int n = 0;
            for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
                n++;
            }
            return n;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // it already ended
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The subject line s_client prints for the server's leaf, e.g. {@code subject=CN = a.example}. */
    static String subjectLine(Run run) {
        for (String line : run.output().split("\n")) {
            if (line.startsWith("subject=")) {
                return line.trim();
            }
        }
        return null;
    }
}
