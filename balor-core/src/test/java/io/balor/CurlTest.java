package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The L7 listener driven by curl (installed by scripts/test): routing by --resolve, uploads, HTTP/1.0. */
class CurlTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "curl ends");
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    @Test
    void routesUploadsAndOldClients() throws Exception {
        HttpUpstream api = resources.track(new HttpUpstream("api"));
        HttpUpstream www = resources.track(new HttpUpstream("www"));
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "www")
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("api.example.test", "api"))));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(web), List.of(
                PoolConfig.of("api", UpstreamConfig.of(api.address())),
                PoolConfig.of("www", UpstreamConfig.of(www.address()))))));
        int port = balor.boundAddress("web").getPort();

        assertEquals("api GET /users 0", curl("--resolve", "api.example.test:" + port + ":127.0.0.1",
                "http://api.example.test:" + port + "/users"));
        assertEquals("www GET /index 0", curl("http://127.0.0.1:" + port + "/index"));
        assertEquals("www GET /old 0", curl("--http1.0", "http://127.0.0.1:" + port + "/old"));
        String status = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "hello", "http://127.0.0.1:" + port + "/echo");
        assertEquals("200", status);
        HttpUpstream.Seen upload = www.seen().get(www.seen().size() - 1);
        assertEquals("hello", new String(upload.body(), StandardCharsets.US_ASCII));
        assertEquals("chunked", upload.header("Transfer-encoding"), "re-framed as chunked, as it came");
    }
}
