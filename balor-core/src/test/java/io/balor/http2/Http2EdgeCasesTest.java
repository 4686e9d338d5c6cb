package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases a review of the connection found wrong, each kept as it was found. */
class Http2EdgeCasesTest {

    private static Http2Stream post(Http2ConnectionTest.Peer peer, int id) {
        peer.headers(id, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test").send();
        return peer.events.last;
    }

    @Test
    void framesInFlightOnAStreamThisSideResetAreDropped() {
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer(
                new Http2Limits(1, Frames.DEFAULT_WINDOW, Frames.DEFAULT_WINDOW, 16384, 4096)).hello();
        post(peer, 1);
        // stream 3 is refused (one stream at a time) while its body and trailers are on the way
        peer.headers(3, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test");
        peer.data(3, "body", false);
        peer.headers(3, true, "x-checksum", "1");
        peer.send();
        assertEquals(List.of("SETTINGS 4", "SETTINGS ACK", "RST_STREAM 3 REFUSED_STREAM"), peer.replies());
        assertFalse(peer.connection.closed(), peer.connection.problem());
        // and on a stream the application reset
        peer.connection.resetStream(peer.events.last, Frames.CANCEL);
        peer.data(1, "late", false).headers(1, true, "x-late", "1").send();
        assertEquals(List.of("RST_STREAM 1 CANCEL"), peer.replies());
        assertFalse(peer.connection.closed(), peer.connection.problem());
    }

    /** RFC 9113 §8.1.1: trailers end the stream, and so the body, which must then add up to its content-length. */
    @Test
    void trailersThatEndABodyShortOfItsContentLengthAreMalformed() {
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer().hello();
        post(peer, 1).declaredLength(3);
        peer.data(1, "ab", false).headers(1, true, "x-checksum", "1").send();
        assertEquals(List.of("SETTINGS 4", "WINDOW_UPDATE 0 196609", "SETTINGS ACK", "RST_STREAM 1 PROTOCOL_ERROR"),
                peer.replies());
        assertFalse(peer.events.lines.contains("trailers 1"), "not handed over: " + peer.events.lines);
        post(peer, 3).declaredLength(3);
        peer.data(3, "abc", false).headers(3, true, "x-checksum", "1").send();
        assertEquals(List.of(), peer.replies());
        assertTrue(peer.events.lines.containsAll(List.of("trailers 3", "  x-checksum: 1", "end 3 END_STREAM")),
                peer.events.lines.toString());
        assertFalse(peer.connection.closed(), peer.connection.problem());
    }

    @Test
    void aLaterGoAwayNeverRaisesTheLastStreamId() {
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer().hello().get(1).send();
        peer.connection.goAway();
        peer.get(3).send();   // in flight when the GOAWAY went: ignored
        peer.frame(Frames.PUSH_PROMISE, 0, 1, new byte[] {0, 0, 0, 2}).send();   // then a connection error
        List<String> replies = peer.replies();
        assertEquals("GOAWAY 1 NO_ERROR", replies.get(replies.size() - 2));
        assertEquals("GOAWAY 1 PROTOCOL_ERROR", replies.get(replies.size() - 1));
    }

    @Test
    void aStreamResetWhileItsFieldsComeLeavesNoGhost() {
        Http2Connection[] connectionOf = new Http2Connection[1];
        Http2ConnectionTest.Events events = new Http2ConnectionTest.Events() {
            private Http2Stream current;

            @Override
            public void onHeadersStart(Http2Stream stream, boolean trailers) {
                super.onHeadersStart(stream, trailers);
                current = stream;
            }

            @Override
            public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean s) {
                super.field(bytes, nameFrom, nameLength, valueFrom, valueLength, s);
                if (new String(bytes, nameFrom, nameLength, StandardCharsets.US_ASCII).equals("connection")) {
                    connectionOf[0].resetStream(current, Frames.PROTOCOL_ERROR);   // a handler refusing a field at once
                }
            }
        };
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        Http2Connection connection = new Http2Connection(
                new Http2Limits(2, Frames.DEFAULT_WINDOW, Frames.DEFAULT_WINDOW, 16384, 4096), events, out, 0);
        connectionOf[0] = connection;
        connection.start();
        Http2ConnectionTest.Peer client = new Http2ConnectionTest.Peer();
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        in.put(Frames.CLIENT_PREFACE);
        Frames.settings(in);
        for (int id = 1; id <= 5; id += 2) {
            ByteBuffer block = id < 5 ? client.block(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a",
                    "connection", "close") : client.block(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a");
            Frames.header(in, block.remaining(), Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, id);
            in.put(block);
        }
        in.flip();
        connection.receive(in, 0);
        assertEquals(1, connection.openStreams(), "streams 1 and 3 reset, 5 open: " + events.lines);
        assertTrue(events.lines.contains("end 5 END_STREAM"), events.lines.toString());
        assertFalse(events.lines.stream().anyMatch(l -> l.startsWith("end 0")), events.lines.toString());
    }

    @Test
    void controlFramesTheApplicationCausesWaitForRoomInsteadOfOverflowing() {
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer().hello();
        Http2Stream[] streams = new Http2Stream[4];
        for (int i = 0; i < 4; i++) {
            streams[i] = post(peer, 2 * i + 1);
            peer.data(2 * i + 1, "u".repeat(16_384), false).data(2 * i + 1, "u".repeat(16_384), false)
                    .data(2 * i + 1, "u".repeat(232), false).send();   // 33,000 octets
        }
        peer.replies();
        // the output is left with only the room the connection keeps for its own answers
        peer.fromServer.position(peer.fromServer.capacity() - Http2Connection.CONTROL_ROOM);
        for (Http2Stream stream : streams) {
            peer.connection.consumed(stream, 33_000);   // past half of each window: WINDOW_UPDATEs due
        }
        peer.connection.resetStream(streams[0], Frames.CANCEL);
        peer.connection.resetStream(streams[1], Frames.CANCEL);
        peer.connection.resetStream(streams[2], Frames.CANCEL);
        peer.connection.resetStream(streams[3], Frames.CANCEL);
        assertTrue(peer.fromServer.remaining() >= 0);
        peer.fromServer.clear();
        Frames.ping(peer.toServer, false, 9);
        peer.send();   // reading again writes what was owed first
        List<String> replies = peer.replies();
        assertFalse(peer.connection.closed(), peer.connection.problem());
        assertTrue(replies.containsAll(List.of("RST_STREAM 1 CANCEL", "RST_STREAM 3 CANCEL", "RST_STREAM 5 CANCEL",
                "RST_STREAM 7 CANCEL", "PING ACK 9")), replies.toString());
    }

    @Test
    void resetsTheClientProvokesCountAsItsOwn() {
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer().hello().send();
        int id = 1;
        for (int i = 0; i < 1001 && !peer.connection.closed(); i++, id += 2) {
            // a zero window update on an open stream: this side must reset it
            peer.get(id).frame(Frames.WINDOW_UPDATE, 0, id, new byte[4]).send();
            peer.replies();
        }
        assertTrue(peer.connection.closed());
        assertTrue(peer.connection.problem().startsWith("ENHANCE_YOUR_CALM: streams reset"), peer.connection.problem());
    }

    @Test
    void referencesPastTheListLimitAreCountedNotCopied() {
        // a table entry of 4064 octets, then thousands of one-octet references to it
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        ByteBuffer block = ByteBuffer.allocate(1 << 16);
        block.put((byte) 0x40).put((byte) 1).put((byte) 'x').put((byte) 0x7f).put((byte) 0xe0).put((byte) 0x1e);
        block.put("v".repeat(4063).getBytes(StandardCharsets.US_ASCII));   // 127 + 96 + 30 * 128
        while (block.hasRemaining()) {
            block.put((byte) 0xbe);
        }
        HpackDecoderTest.Fields fields = new HpackDecoderTest.Fields();
        assertEquals(HpackDecoder.OK, decoder.decode(block.array(), 0, block.capacity(), fields), decoder.problem());
        assertTrue(decoder.listTooLarge());
        assertEquals(4, fields.lines.size(), "the entry and three references fit 16384; the rest are only counted");
    }
}
