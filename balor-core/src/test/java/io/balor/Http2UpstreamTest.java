package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.UpstreamProtocol;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.TestPki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Balor speaking HTTP/2 to its upstreams (a pool's {@code protocol: h2c | h2}): to another Balor
 * whose listener takes h2c (which forwards to an HTTP/1.1 origin that records what it got), and
 * to nginx ({@code listen ... http2}, cleartext and TLS), driven by curl and h2load.
 */
class Http2UpstreamTest {

    private final TestResources resources = new TestResources();
    @TempDir
    Path dir;
    /** The last Balor {@link #front} started. */
    private Balor front;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        return Commands.run(command);
    }

    /** Balor with listener "web" (h2c to clients when {@code http2}) to one pool speaking {@code protocol} to {@code address}. */
    private int front(String address, UpstreamProtocol protocol, UpstreamTlsConfig tls, boolean http2) throws Exception {
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withHttp(HttpSettings.DEFAULT.withHttp2(http2));
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(address)).withProtocol(protocol);
        if (tls != null) {
            pool = pool.withTls(tls);
        }
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(web), List.of(pool))));
        front = balor;
        return balor.boundAddress("web").getPort();
    }

    /** A Balor whose listener takes h2c in front of {@code app}: an HTTP/2 upstream that records in {@code app}. */
    private String h2cBalor(HttpUpstream app) throws Exception {
        ListenerConfig back = ListenerConfig.http("back", "127.0.0.1:0", "origin")
                .withHttp(HttpSettings.DEFAULT.withHttp2(true));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(back),
                List.of(PoolConfig.of("origin", UpstreamConfig.of(app.address()))))));
        return "127.0.0.1:" + balor.boundAddress("back").getPort();
    }

    @Test
    void http11ClientsReachAnH2cUpstreamWithTheirBodies() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        String url = "http://127.0.0.1:" + front(h2cBalor(app), UpstreamProtocol.H2C, null, false);
        assertEquals("app GET /hello 0", run("curl", "-sS", "--max-time", "20", url + "/hello"));
        assertEquals("app POST /up 5", run("curl", "-sS", "--max-time", "20", "--data-binary", "hello", url + "/up"));
        assertEquals("hello", new String(app.seen().get(app.seen().size() - 1).body(), StandardCharsets.US_ASCII));
        String chunked = run("sh", "-c", "head -c 300000 /dev/urandom | curl -sS --max-time 30"
                + " -H 'Transfer-Encoding: chunked' --data-binary @- " + url + "/big");
        assertEquals("app POST /big 300000", chunked);
        String sized = run("sh", "-c", "head -c 200000 /dev/zero | curl -sS --max-time 30 --data-binary @- " + url + "/sized");
        assertEquals("app POST /sized 200000", sized);
        assertEquals("HTTP/1.1 404", run("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w",
                "HTTP/%{http_version} %{http_code}", url + "/status/404"));
    }

    @Test
    void h2ClientsMultiplexOverSharedUpstreamConnections() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        String url = "http://127.0.0.1:" + front(h2cBalor(app), UpstreamProtocol.H2C, null, true);
        String load = run("h2load", "-n", "400", "-c", "4", "-m", "20", url + "/load");
        assertTrue(load.contains("400 succeeded"), load);
        String posts = run("h2load", "-n", "100", "-c", "2", "-m", "10", "-d", "/etc/hostname", url + "/post");
        assertTrue(posts.contains("100 succeeded"), posts);
        // each stream is one request in the metrics, both where it came in and where it went
        Await.until("500 requests counted", java.time.Duration.ofSeconds(10), () -> {
            io.balor.metrics.PrometheusParser m = io.balor.metrics.PrometheusParser.parse(front.metrics());
            return m.value("balor_http_requests_total", "listener", "web", "status", "200") == 500
                    && m.value("balor_pool_requests_total", "pool", "app", "code", "2xx") == 500;
        });
    }

    @Test
    void nginxIsAnH2cAndAnH2Upstream() throws Exception {
        Path root = Files.createDirectories(dir.resolve("www"));
        byte[] file = new byte[3_000_000];
        new Random(7).nextBytes(file);
        Files.write(root.resolve("big.bin"), file);
        TestPki ca = TestPki.ca("h2 test CA");
        TestPki.Leaf leaf = ca.issue("localhost");
        leaf.writeCert(dir.resolve("cert.pem"), true);
        leaf.writeKey(dir.resolve("key.pem"), TestPki.KeyFormat.PKCS8);
        ca.writeCaBundle(dir.resolve("ca.pem"));
        int clear = PeerProcess.freePort();
        int tls = PeerProcess.freePort();
        String server = " root " + root + ";\n location /who { return 200 \"nginx $request_method $uri $server_protocol\"; }\n";
        resources.track(PeerProcess.nginx(dir, " server {\n listen 127.0.0.1:" + clear + " http2;\n" + server + " }\n"
                + " server {\n listen 127.0.0.1:" + tls + " ssl http2;\n ssl_certificate " + dir.resolve("cert.pem")
                + ";\n ssl_certificate_key " + dir.resolve("key.pem") + ";\n" + server + " }\n", clear, tls));

        String h2c = "http://127.0.0.1:" + front("127.0.0.1:" + clear, UpstreamProtocol.H2C, null, false);
        assertEquals("nginx GET /who HTTP/2.0", run("curl", "-sS", "--max-time", "20", h2c + "/who"));
        assertEquals(sha(file), sha(run("curl", "-sS", "--max-time", "30", "-o", dir.resolve("c.bin").toString(),
                h2c + "/big.bin").isEmpty() ? Files.readAllBytes(dir.resolve("c.bin")) : new byte[0]));

        String h2 = "http://127.0.0.1:" + front("https://localhost:" + tls, UpstreamProtocol.H2,
                UpstreamTlsConfig.trusting(dir.resolve("ca.pem").toString()).withServerName("localhost"), true);
        assertEquals("nginx GET /who HTTP/2.0", run("curl", "-sS", "--max-time", "20", h2 + "/who"));
        assertEquals("nginx GET /who HTTP/2.0", run("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", h2 + "/who"));
        assertEquals(sha(file), sha(run("curl", "-sS", "--max-time", "30", "--http2-prior-knowledge", "-o",
                dir.resolve("t.bin").toString(), h2 + "/big.bin").isEmpty() ? Files.readAllBytes(dir.resolve("t.bin")) : new byte[0]));
    }

    @Test
    void aProtocolThatCannotBeSpokenIsRefusedByField() {
        InvalidConfigException h2Plain = assertThrows(InvalidConfigException.class, () -> new BalorConfig(List.of(),
                List.of(PoolConfig.of("p", UpstreamConfig.of("127.0.0.1:1")).withProtocol(UpstreamProtocol.H2))));
        assertTrue(h2Plain.getMessage().contains("pools[0].upstreams[0].address"), h2Plain.getMessage());
        InvalidConfigException h2cTls = assertThrows(InvalidConfigException.class, () -> new BalorConfig(List.of(),
                List.of(PoolConfig.of("p", UpstreamConfig.of("https://127.0.0.1:1")).withProtocol(UpstreamProtocol.H2C))));
        assertTrue(h2cTls.getMessage().contains("pools[0].upstreams[0].address"), h2cTls.getMessage());
        InvalidConfigException proxy = assertThrows(InvalidConfigException.class, () -> new BalorConfig(List.of(),
                List.of(PoolConfig.of("p", UpstreamConfig.of("127.0.0.1:1")).withProtocol(UpstreamProtocol.H2C)
                        .withSendProxyProtocol(PoolConfig.ProxyVersion.V2))));
        assertTrue(proxy.getMessage().contains("pools[0].protocol"), proxy.getMessage());
        InvalidConfigException check = assertThrows(InvalidConfigException.class, () -> new BalorConfig(List.of(),
                List.of(PoolConfig.of("p", UpstreamConfig.of("127.0.0.1:1")).withProtocol(UpstreamProtocol.H2C)
                        .withHealthCheck(io.balor.config.HealthCheckConfig.http("/")))));
        assertTrue(check.getMessage().contains("pools[0].health_check.type"), check.getMessage());
    }

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
