package io.balor.admin.acme.dns;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TxtResolver} and {@link TxtPropagation} against a real DNS server (Debian's
 * pebble-challtestsrv, {@link ChallTestSrv}), and the parser against answers it must refuse.
 */
class TxtResolverTest {

    @TempDir
    static Path dir;
    private static ChallTestSrv server;
    private static TxtResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        server = new ChallTestSrv(dir);
        resolver = new TxtResolver(server.dnsAddress(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void readsTheTxtValuesTheServerHolds() throws Exception {
        assertEquals(List.of(), resolver.lookup("_acme-challenge.none.test."));
        server.setTxt("_acme-challenge.x.test.", "abc");
        server.setTxt("_acme-challenge.x.test.", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0");
        List<String> values = resolver.lookup("_acme-challenge.x.test");     // the trailing dot is optional
        assertEquals(2, values.size(), values.toString());
        assertTrue(values.containsAll(List.of("abc", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0")), values.toString());
        server.clearTxt("_acme-challenge.x.test.");
        assertEquals(List.of(), resolver.lookup("_acme-challenge.x.test."));
    }

    @Test
    void awaitReturnsOnceTheValueIsVisible() throws Exception {
        TxtPropagation propagation = new TxtPropagation(resolver, Clock.systemUTC(), Duration.ofMillis(20));
        Instant deadline = Instant.now().plusSeconds(10);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                propagation.awaitTxt("_acme-challenge.later.test.", "v1", deadline);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        server.setTxt("_acme-challenge.later.test.", "other");
        server.setTxt("_acme-challenge.later.test.", "v1");
        waiting.get(10, TimeUnit.SECONDS);
    }

    @Test
    void awaitGivesUpAtTheDeadlineSayingWhatItSaw() throws Exception {
        server.setTxt("_acme-challenge.stale.test.", "old");
        TxtPropagation propagation = new TxtPropagation(resolver, Clock.systemUTC(), Duration.ofMillis(20));
        long started = System.nanoTime();
        IOException late = assertThrows(IOException.class,
                () -> propagation.awaitTxt("_acme-challenge.stale.test.", "new", Instant.now().plusMillis(200)));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
        assertTrue(late.getMessage().contains("_acme-challenge.stale.test.") && late.getMessage().contains("only [old]"),
                late.getMessage());
    }

    @Test
    void aServerThatDoesNotAnswerIsAnErrorWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            TxtResolver mute = new TxtResolver((InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(200));
            long started = System.nanoTime();
            IOException none = assertThrows(IOException.class, () -> mute.lookup("_acme-challenge.x.test."));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), none.toString());
        }
    }

    @Test
    void fallsBackToTcpWhenTheUdpAnswerIsTruncated() throws Exception {
        // A UDP server that answers every query with TC set and no records: the real answer must then come
        // from challtestsrv over TCP, so a relay forwards the TCP query there.
        server.setTxt("_acme-challenge.tcp.test.", "over-tcp");
        ServerSocket tcp = null;
        DatagramSocket udp = null;
        for (int attempt = 0; udp == null; attempt++) {   // one port number free for both TCP and UDP
            tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            try {
                udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
            } catch (java.net.BindException e) {
                tcp.close();
                assertTrue(attempt < 50, "no port free for both TCP and UDP");
            }
        }
        try (DatagramSocket truncating = udp; TcpRelay relay = new TcpRelay(tcp, server.dnsAddress())) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                try {
                    byte[] buffer = new byte[512];
                    DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                    truncating.receive(query);
                    byte[] answer = Arrays.copyOf(buffer, query.getLength());
                    answer[2] = (byte) (0x80 | 0x02 | (answer[2] & 0x01));      // QR, TC, RD as asked
                    truncating.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            TxtResolver viaTruncation = new TxtResolver((InetSocketAddress) truncating.getLocalSocketAddress(),
                    Duration.ofSeconds(2));
            assertEquals(List.of("over-tcp"), viaTruncation.lookup("_acme-challenge.tcp.test."));
            answering.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesAnswersItCannotTrust() {
        byte[] query = TxtResolver.query(0x1234, "x.test.");
        byte[] answer = query.clone();
        answer[2] |= (byte) 0x80;
        assertThrows(IOException.class, () -> TxtResolver.parse(answer, 0x4321, "x.test."), "another id");
        assertThrows(IOException.class, () -> TxtResolver.parse(query, 0x1234, "x.test."), "a query, not an answer");
        byte[] servfail = answer.clone();
        servfail[3] = 2;
        IOException failed = assertThrows(IOException.class, () -> TxtResolver.parse(servfail, 0x1234, "x.test."));
        assertTrue(failed.getMessage().contains("SERVFAIL"), failed.getMessage());
        byte[] nxdomain = answer.clone();
        nxdomain[3] = 3;
        assertEquals(List.of(), assertDoesNotThrowList(nxdomain));
        // one answer record whose name is a pointer to itself, then a record running past the end
        byte[] looping = Arrays.copyOf(answer, answer.length + 2);
        looping[7] = 1;
        looping[answer.length] = (byte) 0xc0;
        looping[answer.length + 1] = (byte) answer.length;
        assertThrows(IOException.class, () -> TxtResolver.parse(looping, 0x1234, "x.test."), "a forward pointer");
        byte[] truncated = Arrays.copyOf(answer, answer.length + 6);
        truncated[7] = 1;
        truncated[answer.length] = (byte) 0xc0;
        truncated[answer.length + 1] = 12;
        assertThrows(IOException.class, () -> TxtResolver.parse(truncated, 0x1234, "x.test."), "a truncated record");
    }

    private static List<String> assertDoesNotThrowList(byte[] answer) {
        try {
            return TxtResolver.parse(answer, 0x1234, "x.test.");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
