package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request whose head and body arrive in one write that nearly fills the client buffer: the
 * head Balor writes upstream is longer than the client's ({@code X-Forwarded-*}), so the last
 * bytes of the body do not fit in the upstream buffer on the first pass. Once the upstream
 * buffer is written out, the rest must be pumped at once, though the client sends nothing more
 * (it once waited for the body-idle timeout and answered 408). Found in review; for a kept-alive
 * upstream connection and a new one.
 */
class BodyAtBufferEdgeTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** One response (head and Content-Length body) from {@code in}. */
    private static String readResponse(InputStream in) throws Exception {
        String head = Clients.readHead(in);
        int at = head.toLowerCase(Locale.ROOT).indexOf("content-length: ") + 16;
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "upstream connection kept alive: {0}")
    @ValueSource(booleans = {true, false})
    void theLastBytesOfABodyThatFilledTheBufferAreSentWithoutTheClientSendingMore(boolean reused) throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), BalorOptions.defaults().withLoops(1)));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (reused) {
                out.write("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(in).startsWith("HTTP/1.1 200"));
            }
            int total = 32 * 1024 - 10;   // head and body: just under the 32 KiB client buffer
            int body = total - "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 00000\r\n\r\n".length();
            String head = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + String.format("%05d", body) + "\r\n\r\n";
            out.write((head + "x".repeat(body)).getBytes(StandardCharsets.US_ASCII));
            String answer = readResponse(in);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer.substring(0, Math.min(200, answer.length())));
            assertEquals(body, answer.length() - answer.indexOf("\r\n\r\n") - 4, "the whole body came back");
        }
    }
}
