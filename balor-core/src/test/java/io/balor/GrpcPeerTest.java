package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC peer itself, client straight to server with no Balor between: each case ends as
 * {@link GrpcPeer} says it does, so that tests through Balor can tell Balor's faults from the peer's.
 */
class GrpcPeerTest {

    @TempDir
    Path dir;

    private GrpcPeer server;

    @BeforeEach
    void start() throws Exception {
        server = GrpcPeer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void unaryEchoesWithHeadersAndTrailers() throws Exception {
        GrpcPeer.Result result = server.call(dir, "unary");
        assertTrue(result.behaved(), result.toString());
        assertEquals("OK", result.status());
        assertEquals(List.of("hello"), result.messages());
        assertEquals(Map.of("x-header", "unary"), result.initial());
        assertEquals(Map.of("x-trailer", "hello"), result.trailers());
        Map<String, Object> call = server.awaitEvent("call");
        assertEquals("Unary", call.get("method"));
        @SuppressWarnings("unchecked")
        Map<String, String> metadata = (Map<String, String>) call.get("metadata");
        assertEquals("unary", metadata.get("x-case"));
        assertTrue(metadata.get("user-agent").startsWith("grpc-python/"), metadata.toString());
    }

    @Test
    void aFailedUnaryCallIsItsStatusMessageAndTrailers() throws Exception {
        GrpcPeer.Result result = server.call(dir, "unary-fail");
        assertTrue(result.behaved(), result.toString());
        assertEquals("INVALID_ARGUMENT", result.status());
        assertEquals("asked to fail", result.details());
        assertEquals(List.of(), result.messages());
        assertEquals(Map.of("x-trailer", "fail"), result.trailers());
    }

    @Test
    void serverStreamingSendsThreeMessages() throws Exception {
        GrpcPeer.Result result = server.call(dir, "server-stream");
        assertTrue(result.behaved(), result.toString());
        assertEquals(List.of("msg-0", "msg-1", "msg-2"), result.messages());
        assertEquals(Map.of("x-count", "3"), result.trailers());
    }

    @Test
    void clientStreamingJoinsThreeMessages() throws Exception {
        GrpcPeer.Result result = server.call(dir, "client-stream");
        assertTrue(result.behaved(), result.toString());
        assertEquals(List.of("a,b,c"), result.messages());
        assertEquals(Map.of("x-count", "3"), result.trailers());
    }

    @Test
    void bidiPlaysPingPong() throws Exception {
        GrpcPeer.Result result = server.call(dir, "bidi");
        assertTrue(result.behaved(), result.toString());
        assertEquals("OK", result.status());
        assertEquals(List.of("ping-0", "ping-1", "ping-2", "ping-3", "ping-4"), result.messages());
    }

    @Test
    void aDeadlineEndsTheCallOnBothSides() throws Exception {
        GrpcPeer.Result result = server.call(dir, "deadline");
        assertTrue(result.behaved(), result.toString());
        assertEquals("DEADLINE_EXCEEDED", result.status());
        assertEquals(Boolean.TRUE, server.awaitEvent("slow-started").get("deadline"), "grpc-timeout reached the server");
        assertEquals(Boolean.FALSE, server.awaitEvent("slow-ended").get("active"), "the server saw its call end");
    }

    @Test
    void aClientWithNoServerDoesNotBehave() throws Exception {
        String nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = "127.0.0.1:" + closed.getLocalPort();
        }
        GrpcPeer.Result result = GrpcPeer.call(dir, nobody, "unary");
        assertFalse(result.behaved(), result.toString());
        assertEquals("UNAVAILABLE", result.status());
    }
}
