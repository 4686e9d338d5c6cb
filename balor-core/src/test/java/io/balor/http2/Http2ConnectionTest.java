package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2ConnectionTest {

    /** Records what the connection tells the application, one line per event. */
    static class Events implements StreamHandler {
        final List<String> lines = new ArrayList<>();
        final List<Http2Stream> writable = new ArrayList<>();
        Http2Stream last;

        @Override
        public void onHeadersStart(Http2Stream stream, boolean trailers) {
            last = stream;
            lines.add((trailers ? "trailers " : "head ") + stream.id());
        }

        @Override
        public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
            lines.add("  " + new String(bytes, nameFrom, nameLength, StandardCharsets.ISO_8859_1) + ": "
                    + new String(bytes, valueFrom, valueLength, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
            lines.add("end " + stream.id() + (endStream ? " END_STREAM" : "") + (tooLarge ? " too large" : ""));
        }

        @Override
        public void onData(Http2Stream stream, ByteBuffer in, int from, int length, boolean endStream) {
            byte[] data = new byte[length];
            in.get(from, data);
            lines.add("data " + stream.id() + " " + new String(data, StandardCharsets.ISO_8859_1)
                    + (endStream ? " END_STREAM" : ""));
        }

        @Override
        public void onWritable(Http2Stream stream) {
            writable.add(stream);
        }

        @Override
        public void onClosed(Http2Stream stream, int errorCode) {
            lines.add("closed " + stream.id() + " " + Frames.errorName(errorCode));
        }
    }

    /** A client: writes frames into a buffer for the connection, and reads what the connection wrote back. */
    static final class Peer {
        final Events events = new Events();
        final ByteBuffer toServer = ByteBuffer.allocate(1 << 20);
        final ByteBuffer fromServer = ByteBuffer.allocate(1 << 20);
        final Http2Connection connection;
        final HpackEncoder encoder = new HpackEncoder();
        final HpackDecoder decoder = new HpackDecoder(4096, 65536);
        final FrameReader reader = new FrameReader(Frames.MAX_MAX_FRAME_SIZE);
        long now = 1_000_000_000L;

        Peer(Http2Limits limits) {
            this(limits, new Http2Scratch());
        }

        /** A connection sharing {@code scratch} with others, as those of one loop do. */
        Peer(Http2Limits limits, Http2Scratch scratch) {
            connection = new Http2Connection(limits, events, fromServer, now, scratch);
            connection.start();
        }

        Peer() {
            this(Http2Limits.DEFAULT);
        }

        /** The preface and an empty SETTINGS. */
        Peer hello() {
            toServer.put(Frames.CLIENT_PREFACE);
            Frames.settings(toServer);
            return this;
        }

        /** A header block of {@code fields} (name, value, ...) as one HEADERS frame. */
        Peer headers(int streamId, boolean endStream, String... fields) {
            ByteBuffer block = block(fields);
            Frames.header(toServer, block.remaining(), Frames.HEADERS,
                    Frames.END_HEADERS | (endStream ? Frames.END_STREAM : 0), streamId);
            toServer.put(block);
            return this;
        }

        ByteBuffer block(String... fields) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            encoder.startBlock(block);
            for (int i = 0; i < fields.length; i += 2) {
                byte[] n = fields[i].getBytes(StandardCharsets.ISO_8859_1);
                byte[] v = fields[i + 1].getBytes(StandardCharsets.ISO_8859_1);
                encoder.field(n, 0, n.length, v, 0, v.length, false, block);
            }
            return block.flip();
        }

        Peer get(int streamId) {
            return headers(streamId, true, ":method", "GET", ":scheme", "https", ":path", "/", ":authority", "a.test");
        }

        Peer frame(int type, int flags, int streamId, byte[] payload) {
            Frames.header(toServer, payload.length, type, flags, streamId);
            toServer.put(payload);
            return this;
        }

        Peer data(int streamId, String text, boolean endStream) {
            return frame(Frames.DATA, endStream ? Frames.END_STREAM : 0, streamId, text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Hands everything written so far to the connection. */
        Peer send() {
            toServer.flip();
            connection.receive(toServer, now);
            toServer.compact();
            return this;
        }

        /** Reads every frame the connection wrote, described one per line ("SETTINGS ...", "GOAWAY 0 PROTOCOL_ERROR" ...). */
        List<String> replies() {
            List<String> frames = new ArrayList<>();
            fromServer.flip();
            int result;
            while ((result = reader.next(fromServer)) == FrameReader.FRAME) {
                int at = reader.payloadFrom();
                switch (reader.type()) {
                    case Frames.SETTINGS:
                        frames.add(reader.hasFlag(Frames.ACK) ? "SETTINGS ACK" : "SETTINGS " + reader.payloadLength() / 6);
                        break;
                    case Frames.GOAWAY:
                        frames.add("GOAWAY " + fromServer.getInt(at) + " " + Frames.errorName(fromServer.getInt(at + 4)));
                        break;
                    case Frames.RST_STREAM:
                        frames.add("RST_STREAM " + reader.streamId() + " " + Frames.errorName(fromServer.getInt(at)));
                        break;
                    case Frames.WINDOW_UPDATE:
                        frames.add("WINDOW_UPDATE " + reader.streamId() + " " + fromServer.getInt(at));
                        break;
                    case Frames.PING:
                        frames.add("PING" + (reader.hasFlag(Frames.ACK) ? " ACK " : " ") + Long.toHexString(fromServer.getLong(at)));
                        break;
                    case Frames.HEADERS:
                    case Frames.CONTINUATION:
                        byte[] blockBytes = new byte[reader.payloadLength()];
                        fromServer.get(at, blockBytes);
                        HpackDecoderTest.Fields fields = new HpackDecoderTest.Fields();
                        decoder.decode(blockBytes, 0, blockBytes.length, fields);
                        frames.add((reader.type() == Frames.HEADERS ? "HEADERS " : "CONTINUATION ") + reader.streamId()
                                + " " + fields.lines + flags());
                        break;
                    case Frames.DATA:
                        byte[] data = new byte[reader.payloadLength()];
                        fromServer.get(at, data);
                        frames.add("DATA " + reader.streamId() + " " + new String(data, StandardCharsets.ISO_8859_1) + flags());
                        break;
                    default:
                        frames.add("type " + reader.type());
                }
            }
            assertEquals(FrameReader.NEED_MORE, result);
            fromServer.compact();
            return frames;
        }

        private String flags() {
            boolean head = reader.type() == Frames.HEADERS || reader.type() == Frames.CONTINUATION;
            return (reader.hasFlag(Frames.END_STREAM) ? " END_STREAM" : "")
                    + (head && !reader.hasFlag(Frames.END_HEADERS) ? " (more)" : "");
        }
    }

    @Test
    void settingsFirstThenAGetAndItsAnswer() {
        Peer peer = new Peer();
        assertEquals(List.of("SETTINGS 4", "WINDOW_UPDATE 0 196609"), peer.replies());
        peer.hello().get(1).send();
        assertEquals(List.of("SETTINGS ACK"), peer.replies());
        assertEquals(List.of("head 1", "  :method: GET", "  :scheme: https", "  :path: /", "  :authority: a.test",
                "end 1 END_STREAM"), peer.events.lines);
        Http2Stream stream = peer.events.last;
        assertTrue(stream.requestComplete());

        ByteBuffer head = ByteBuffer.allocate(256);
        peer.connection.encoder().startBlock(head);
        byte[] status = ":status".getBytes(StandardCharsets.US_ASCII);
        byte[] ok = "200".getBytes(StandardCharsets.US_ASCII);
        peer.connection.encoder().field(status, 0, status.length, ok, 0, ok.length, false, head);
        assertTrue(peer.connection.writeHeaders(stream, head.flip(), false));
        assertEquals(2, peer.connection.writeData(stream, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true));
        assertEquals(List.of("HEADERS 1 [:status: 200]", "DATA 1 ok END_STREAM"), peer.replies());
        assertEquals("closed 1 NO_ERROR", peer.events.lines.get(peer.events.lines.size() - 1));
        assertEquals(0, peer.connection.openStreams());
        assertFalse(peer.connection.closed());
    }

    @Test
    void notThePrefaceOrNotSettingsFirstEndsTheConnection() {
        Peer peer = new Peer();
        peer.replies();
        peer.toServer.put("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        peer.send();
        assertEquals(List.of("GOAWAY 0 PROTOCOL_ERROR"), peer.replies());
        assertTrue(peer.connection.closed());
        assertEquals("PROTOCOL_ERROR: not the HTTP/2 client preface", peer.connection.problem());

        peer = new Peer();
        peer.replies();
        peer.toServer.put(Frames.CLIENT_PREFACE);
        Frames.ping(peer.toServer, false, 1);
        peer.send();
        assertEquals(List.of("GOAWAY 0 PROTOCOL_ERROR"), peer.replies());
    }

    @Test
    void aBlockThatWaitsForItsContinuationKeepsItsOwnCopyWhileTheLoopsOtherConnectionsDecode() {
        Http2Scratch shared = new Http2Scratch();
        Peer waiting = new Peer(Http2Limits.DEFAULT, shared).hello();
        Peer other = new Peer(Http2Limits.DEFAULT, shared).hello();
        ByteBuffer block = waiting.block(":method", "POST", ":scheme", "http", ":path", "/upload", ":authority", "a.test");
        byte[] bytes = new byte[block.remaining()];
        block.get(bytes);
        waiting.frame(Frames.HEADERS, 0, 1, java.util.Arrays.copyOfRange(bytes, 0, 6)).send();
        other.headers(1, true, ":method", "GET", ":scheme", "https", ":path", "/a/longer/path/than/the/other/one",
                ":authority", "b.test").send();
        waiting.frame(Frames.CONTINUATION, Frames.END_HEADERS, 1, java.util.Arrays.copyOfRange(bytes, 6, bytes.length))
                .send();
        assertEquals(List.of("head 1", "  :method: POST", "  :scheme: http", "  :path: /upload", "  :authority: a.test",
                "end 1"), waiting.events.lines);
        assertEquals(List.of("head 1", "  :method: GET", "  :scheme: https", "  :path: /a/longer/path/than/the/other/one",
                "  :authority: b.test", "end 1 END_STREAM"), other.events.lines);
    }

    @Test
    void aHeaderBlockInContinuationsAndNothingInBetween() {
        Peer peer = new Peer().hello();
        ByteBuffer block = peer.block(":method", "POST", ":scheme", "http", ":path", "/upload", ":authority", "a.test");
        byte[] bytes = new byte[block.remaining()];
        block.get(bytes);
        peer.frame(Frames.HEADERS, 0, 3, java.util.Arrays.copyOfRange(bytes, 0, 3));
        peer.frame(Frames.CONTINUATION, 0, 3, java.util.Arrays.copyOfRange(bytes, 3, 5));
        peer.frame(Frames.CONTINUATION, Frames.END_HEADERS, 3, java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
        peer.data(3, "body", true).send();
        assertEquals(List.of("head 3", "  :method: POST", "  :scheme: http", "  :path: /upload", "  :authority: a.test",
                "end 3", "data 3 body END_STREAM"), peer.events.lines);

        peer = new Peer().hello();
        peer.frame(Frames.HEADERS, 0, 1, new byte[] {(byte) 0x82});
        Frames.ping(peer.toServer, false, 7);
        peer.send();
        peer.replies();   // SETTINGS, WINDOW_UPDATE, SETTINGS ACK
        assertTrue(peer.connection.closed());
        assertEquals("PROTOCOL_ERROR: a frame in the middle of a header block", peer.connection.problem());
    }

    @Test
    void continuationFloodsEndTheConnection() {
        Peer peer = new Peer().hello();
        peer.frame(Frames.HEADERS, 0, 1, new byte[] {(byte) 0x82});
        for (int i = 0; i < HeaderBlock.MAX_FRAMES; i++) {
            peer.frame(Frames.CONTINUATION, 0, 1, new byte[] {(byte) 0x84});
        }
        peer.send();
        assertTrue(peer.connection.closed());
        assertTrue(peer.connection.problem().startsWith("ENHANCE_YOUR_CALM: a header block over"), peer.connection.problem());
        assertEquals(List.of(), peer.events.lines, "nothing of the block reached the application");

        peer = new Peer().hello();
        peer.frame(Frames.HEADERS, 0, 1, new byte[16384]);
        for (int i = 0; i < 4; i++) {
            peer.frame(Frames.CONTINUATION, 0, 1, new byte[16384]);
        }
        peer.send();
        assertTrue(peer.connection.closed());
    }

    @Test
    void rapidResetGetsGoAwayWhileCancellingAtARateIsFine() {
        Peer peer = new Peer().hello().send();
        int id = 1;
        for (int i = 0; i < 1000; i++, id += 2) {
            peer.get(id).frame(Frames.RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}).send();
            peer.replies();
        }
        assertFalse(peer.connection.closed());
        peer.get(id).frame(Frames.RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}).send();
        assertEquals(List.of("GOAWAY " + id + " ENHANCE_YOUR_CALM"), peer.replies());

        Peer patient = new Peer().hello().send();
        id = 1;
        for (int i = 0; i < 3000; i++, id += 2) {
            patient.now += 1_000_000_000L / 33;
            patient.get(id).frame(Frames.RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}).send();
            patient.replies();
        }
        assertFalse(patient.connection.closed());
    }

    @Test
    void flowControlOfTheRequestBody() {
        Http2Limits limits = new Http2Limits(10, 100, Frames.DEFAULT_WINDOW, 16384, 4096);
        Peer early = new Peer(limits).hello();
        early.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test");
        early.data(1, "e".repeat(1000), false).send();
        assertEquals(List.of("SETTINGS 4", "SETTINGS ACK"), early.replies(),
                "before the client acknowledged the SETTINGS, a stream may take the RFC's default window");
        Frames.settingsAck(early.toServer);
        early.data(1, "f", false).send();
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), early.replies(), "after it, 100 less the 1000 taken");

        Peer peer = new Peer(limits).hello();
        Frames.settingsAck(peer.toServer);
        peer.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test");
        peer.data(1, "x".repeat(60), false).send();
        Http2Stream stream = peer.events.last;
        peer.replies();
        peer.connection.consumed(stream, 60);   // past half the stream window: given back
        assertEquals(List.of("WINDOW_UPDATE 1 60"), peer.replies());
        peer.data(1, "y".repeat(101), false).send();
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), peer.replies());
        assertEquals("closed 1 FLOW_CONTROL_ERROR", peer.events.lines.get(peer.events.lines.size() - 1));

        Peer greedy = new Peer(new Http2Limits(10, Frames.DEFAULT_WINDOW, Frames.DEFAULT_WINDOW, 16384, 4096)).hello();
        greedy.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test");
        for (int i = 0; i < 4; i++) {
            greedy.data(1, "z".repeat(16384), false);
        }
        greedy.send();
        greedy.replies();
        assertTrue(greedy.connection.closed());
        assertEquals("FLOW_CONTROL_ERROR: DATA of 16384 octets over the connection window of 16383",
                greedy.connection.problem());
    }

    @Test
    void theResponseWaitsForThePeersWindow() {
        Peer peer = new Peer().hello();
        Frames.settings(peer.toServer, Frames.SETTINGS_INITIAL_WINDOW_SIZE, 10);
        peer.get(1).send();
        peer.replies();
        Http2Stream stream = peer.events.last;
        ByteBuffer body = ByteBuffer.wrap("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        assertEquals(10, peer.connection.writeData(stream, body, true));
        assertEquals(0, peer.connection.writeData(stream, body, true));
        assertEquals(List.of("DATA 1 0123456789"), peer.replies());
        Frames.windowUpdate(peer.toServer, 1, 100);
        peer.send();
        assertEquals(List.of(stream), peer.events.writable);
        assertEquals(6, peer.connection.writeData(stream, body, true));
        assertEquals(List.of("DATA 1 abcdef END_STREAM"), peer.replies());
    }

    @Test
    void streamIdsOnlyGoUpAndOnlyOdd() {
        Peer peer = new Peer().hello().get(5).send();
        peer.get(3).send();
        assertTrue(peer.connection.closed());
        assertEquals("PROTOCOL_ERROR: HEADERS on stream 3, below the last opened", peer.connection.problem());

        peer = new Peer().hello().get(2).send();
        assertEquals("PROTOCOL_ERROR: HEADERS on even stream 2", peer.connection.problem());

        peer = new Peer().hello().data(9, "x", true).send();
        assertEquals("PROTOCOL_ERROR: DATA on idle stream 9", peer.connection.problem());
    }

    @Test
    void overTheConcurrencyLimitIsRefusedAndHpackStaysInStep() {
        Peer peer = new Peer(new Http2Limits(1, Frames.DEFAULT_WINDOW, Frames.DEFAULT_WINDOW, 16384, 4096)).hello();
        peer.get(1).send();
        peer.replies();
        // stream 7 gives the table its size back (the peer's encoder set it to 0 in its first block), adds
        // "x-id: three" to it, and is refused; stream 9, once 1 ends, refers to that entry
        peer.headers(3, true, ":method", "GET", ":scheme", "https", ":path", "/", ":authority", "a.test");
        ByteBuffer literal = ByteBuffer.allocate(64);
        literal.put((byte) 0x40).put((byte) 4).put("x-id".getBytes(StandardCharsets.US_ASCII)).put((byte) 5)
                .put("three".getBytes(StandardCharsets.US_ASCII)).flip();
        peer.frame(Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, 7, new byte[0]);
        peer.toServer.position(peer.toServer.position() - 9);   // replace that empty block with the literal
        Frames.header(peer.toServer, literal.remaining() + 7, Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, 7);
        peer.toServer.put((byte) 0x3f).put((byte) 0xe1).put((byte) 0x1f).put((byte) 0x82).put((byte) 0x86).put((byte) 0x84).put((byte) 0x81).put(literal);
        peer.send();
        assertEquals(List.of("RST_STREAM 3 REFUSED_STREAM", "RST_STREAM 7 REFUSED_STREAM"), peer.replies());
        peer.connection.resetStream(peer.events.last, Frames.CANCEL);
        peer.replies();
        peer.toServer.put(new byte[] {0, 0, 5, Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, 0, 0, 0, 9,
            (byte) 0x82, (byte) 0x86, (byte) 0x84, (byte) 0x81, (byte) 0xbe});
        peer.events.lines.clear();
        peer.send();
        assertEquals(List.of("head 9", "  :method: GET", "  :scheme: http", "  :path: /", "  :authority: ",
                "  x-id: three", "end 9 END_STREAM"), peer.events.lines);
    }

    @Test
    void pingsAreAnsweredWhileThereIsRoomAndReadNoFurther() {
        Peer peer = new Peer().hello();
        Frames.ping(peer.toServer, false, 0xabcdefL);
        peer.send();
        assertEquals(List.of("SETTINGS 4", "WINDOW_UPDATE 0 196609", "SETTINGS ACK", "PING ACK abcdef"), peer.replies());

        ByteBuffer small = ByteBuffer.allocate(Http2Connection.CONTROL_ROOM + 70);
        Http2Connection connection = new Http2Connection(Http2Limits.DEFAULT, new Events(), small, 0);
        connection.start();   // 45 octets
        ByteBuffer in = ByteBuffer.allocate(1024);
        in.put(Frames.CLIENT_PREFACE);
        Frames.settings(in);
        for (int i = 0; i < 20; i++) {
            Frames.ping(in, false, i);
        }
        in.flip();
        connection.receive(in, 0);
        assertTrue(in.hasRemaining(), "frames are left unread while the answers have no room");
        // SETTINGS (33) and WINDOW_UPDATE (13) from start, then the SETTINGS ACK (9) and one PING ACK (17)
        assertEquals(33 + 13 + 9 + 17, small.position());
    }

    @Test
    void aBodyShorterOrLongerThanItsContentLengthIsMalformed() {
        Peer peer = new Peer().hello();
        peer.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test",
                "content-length", "3");
        peer.send();
        peer.events.last.contentLength = 3;
        peer.data(1, "ab", true).send();
        peer.replies();
        assertEquals("closed 1 PROTOCOL_ERROR", peer.events.lines.get(peer.events.lines.size() - 1));
    }

    @Test
    void aGracefulGoAwayFinishesTheOpenStreamsAndIgnoresNewOnes() {
        Peer peer = new Peer().hello().get(1).send();
        Http2Stream stream = peer.events.last;
        peer.connection.goAway();
        peer.get(3).send();
        assertEquals(List.of("SETTINGS 4", "WINDOW_UPDATE 0 196609", "SETTINGS ACK", "GOAWAY 1 NO_ERROR"), peer.replies());
        assertFalse(peer.connection.closed());
        peer.connection.writeData(stream, ByteBuffer.allocate(0), true);
        assertTrue(peer.connection.closed());
    }

    @Test
    void aConversationSplitAnywhereIsHeardTheSame() {
        Peer whole = new Peer().hello();
        whole.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "a.test");
        whole.data(1, "hello", false).data(1, " world", true);
        Frames.ping(whole.toServer, false, 42);
        whole.get(3);
        byte[] all = new byte[whole.toServer.position()];
        whole.toServer.flip().get(all);
        whole.toServer.clear().put(all);
        whole.send();
        List<String> expected = whole.events.lines;
        for (int cut = 0; cut <= all.length; cut++) {
            Peer split = new Peer();
            split.toServer.put(all, 0, cut);
            split.send();
            split.toServer.put(all, cut, all.length - cut);
            split.send();
            assertEquals(expected, split.events.lines, "cut at " + cut);
        }
    }
}
