package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WebSocket through an HTTP listener: java.net.http's WebSocket client, an RFC 6455 echo upstream. */
class WebSocketProxyTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    @Test
    void echoesTextAndALargeBinaryMessageThenCloses() throws Exception {
        TestServer echo = resources.track(WebSocketEchoServer.start());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "ws")),
                List.of(PoolConfig.of("ws", UpstreamConfig.of(echo.address())))), BalorOptions.defaults().withLoops(2)));

        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                binary.writeBytes(bytes);
                if (last) {
                    received.add(binary.toByteArray());
                    binary.reset();
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                closed.complete(status);
                return null;
            }
        };
        URI uri = URI.create("ws://127.0.0.1:" + balor.boundAddress("web").getPort() + "/chat");
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener)
                .get(10, TimeUnit.SECONDS);

        socket.sendText("hello through balor", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello through balor", received.poll(10, TimeUnit.SECONDS));
        byte[] large = new byte[1024 * 1024 + 3];
        new Random(9).nextBytes(large);
        socket.sendBinary(ByteBuffer.wrap(large), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(large, (byte[]) received.poll(20, TimeUnit.SECONDS));
        assertEquals(1, balor.sessions().size());
        assertEquals("open", balor.sessions().get(0).state(), "after the 101 the session is a tunnel");

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(10, TimeUnit.SECONDS));
        Await.until("the tunnel ends", () -> balor.sessions().isEmpty());
    }

    /** A client that records the close status it receives. */
    private static WebSocket connect(Balor balor, CompletableFuture<Integer> closed) throws Exception {
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                closed.complete(status);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
        URI uri = URI.create("ws://127.0.0.1:" + balor.boundAddress("web").getPort() + "/chat");
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFrameOverTheLimitIsAnsweredWith1009() throws Exception {
        TestServer echo = resources.track(WebSocketEchoServer.start());
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "ws")
                .withHttp(io.balor.config.HttpSettings.DEFAULT.withWebsocketMaxFrameBytes(1000));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(web),
                List.of(PoolConfig.of("ws", UpstreamConfig.of(echo.address())))), BalorOptions.defaults()));
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = connect(balor, closed);
        socket.sendBinary(ByteBuffer.wrap(new byte[1000]), true).get(10, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[1001]), true);
        assertEquals(1009, closed.get(10, TimeUnit.SECONDS));
        Await.until("the tunnel is closed", () -> balor.sessions().isEmpty());
    }

    @Test
    void drainingTheListenerSaysGoingAway() throws Exception {
        TestServer echo = resources.track(WebSocketEchoServer.start());
        BalorConfig with = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "ws")),
                List.of(PoolConfig.of("ws", UpstreamConfig.of(echo.address()))));
        Balor balor = resources.track(Balor.start(with, BalorOptions.defaults()));
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = connect(balor, closed);
        socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
        balor.apply(with.withListeners(List.of()));
        assertEquals(1001, closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anInvalidHandshakeIsRefusedAndNothingIsTunnelled() throws Exception {
        TestServer echo = resources.track(WebSocketEchoServer.start());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "ws")),
                List.of(PoolConfig.of("ws", UpstreamConfig.of(echo.address())))), BalorOptions.defaults()));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 426 ") && answer.contains("Sec-WebSocket-Version: 13\r\n"), answer);
        }
        assertEquals(0, echo.accepted(), "a refused handshake is never forwarded");
    }
}
