package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TlsSmokeTest {
    private final TestResources resources = new TestResources();
    @TempDir Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    @Test
    void curlThroughTls() throws Exception {
        TestPki ca = TestPki.ca("Test CA");
        TestPki.Leaf leaf = ca.issue("a.example");
        leaf.writeCert(dir.resolve("cert.pem"), true);
        leaf.writeKey(dir.resolve("key.pem"), TestPki.KeyFormat.PKCS8);
        ca.writeCaBundle(dir.resolve("ca.pem"));
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:0", "app").withTls(TlsConfig.terminate(
                        dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString()))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), BalorOptions.defaults().withLoops(1)));
        int port = balor.boundAddress("web").getPort();
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder("curl", "-sS", "-v", "--cacert", dir.resolve("ca.pem").toString(),
                    "--resolve", "a.example:" + port + ":127.0.0.1",
                    "https://a.example:" + port + "/x", "https://a.example:" + port + "/y").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            System.out.println(out);
            assertEquals(0, p.waitFor());
        }
    }
}
