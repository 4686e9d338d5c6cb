package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.UpstreamProtocol;
import io.balor.config.UpstreamConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC through Balor: a real gRPC client and server ({@link GrpcPeer}, Debian's python3-grpcio)
 * on either side of an h2c listener whose pool speaks h2c. Every kind of call passes with its
 * messages, headers and trailers ({@code grpc-status}, {@code grpc-message}, custom ones); a
 * deadline ends the call on both sides.
 */
class GrpcProxyTest {

    @TempDir
    Path dir;
    private final TestResources resources = new TestResources();
    private GrpcPeer server;
    private String balor;

    @BeforeEach
    void start() throws Exception {
        server = resources.track(GrpcPeer.start(dir));
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "grpc").withHttp(HttpSettings.DEFAULT.withHttp2(true));
        Balor started = resources.track(Balor.start(new BalorConfig(List.of(web),
                List.of(PoolConfig.of("grpc", UpstreamConfig.of(server.address())).withProtocol(UpstreamProtocol.H2C)))));
        balor = "127.0.0.1:" + started.boundAddress("web").getPort();
    }

    @AfterEach
    void stop() throws Exception {
        resources.close();
    }

    private GrpcPeer.Result call(String kase) throws Exception {
        GrpcPeer.Result result = GrpcPeer.call(dir, balor, kase);
        assertTrue(result.behaved(), result.toString());
        return result;
    }

    @Test
    void unaryPassesWithHeadersAndTrailers() throws Exception {
        GrpcPeer.Result result = call("unary");
        assertEquals("OK", result.status());
        assertEquals(List.of("hello"), result.messages());
        assertEquals(Map.of("x-header", "unary"), result.initial());
        assertEquals(Map.of("x-trailer", "hello"), result.trailers());
    }

    @Test
    void aFailedCallKeepsItsStatusAndMessage() throws Exception {
        GrpcPeer.Result result = call("unary-fail");
        assertEquals("INVALID_ARGUMENT", result.status());
        assertEquals("asked to fail", result.details());
        assertEquals(Map.of("x-trailer", "fail"), result.trailers());
    }

    @Test
    void serverStreaming() throws Exception {
        GrpcPeer.Result result = call("server-stream");
        assertEquals(List.of("msg-0", "msg-1", "msg-2"), result.messages());
        assertEquals(Map.of("x-count", "3"), result.trailers());
    }

    @Test
    void clientStreaming() throws Exception {
        GrpcPeer.Result result = call("client-stream");
        assertEquals(List.of("a,b,c"), result.messages());
        assertEquals(Map.of("x-count", "3"), result.trailers());
    }

    @Test
    void bidiPingPongIsForwardedMessageByMessage() throws Exception {
        GrpcPeer.Result result = call("bidi");
        assertEquals("OK", result.status());
        assertEquals(List.of("ping-0", "ping-1", "ping-2", "ping-3", "ping-4"), result.messages());
    }

    @Test
    void balorEndsACallAtItsGrpcTimeoutAndCancelsTheUpstream() throws Exception {
        // curl does not cancel at the deadline as a gRPC client would: Balor must.
        java.nio.file.Files.write(dir.resolve("empty.msg"), new byte[5]);   // one empty gRPC message
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-D", "-",
                "-o", "/dev/null", "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "grpc-timeout: 300m",
                "--data-binary", "@" + dir.resolve("empty.msg"), "http://" + balor + "/balor.test.Echo/Slow")
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), out);
        assertTrue(out.startsWith("HTTP/2 200") && out.contains("grpc-status: 4"), out);
        assertEquals(Boolean.TRUE, server.awaitEvent("slow-started").get("deadline"), "grpc-timeout reached the server");
        assertEquals(Boolean.FALSE, server.awaitEvent("slow-ended").get("active"), "the upstream call was cancelled");
    }

    @Test
    void aDeadlineEndsTheCallOnBothSides() throws Exception {
        GrpcPeer.Result result = call("deadline");
        assertEquals("DEADLINE_EXCEEDED", result.status());
        assertEquals(Boolean.TRUE, server.awaitEvent("slow-started").get("deadline"), "grpc-timeout reached the server");
        assertEquals(Boolean.FALSE, server.awaitEvent("slow-ended").get("active"), "the server saw its call end");
    }
}
