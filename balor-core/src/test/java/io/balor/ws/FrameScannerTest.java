package io.balor.ws;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame scanner over streams of frames (RFC 6455 §5), each fed whole, split at every point
 * and byte by byte: the verdict must not depend on how the bytes arrived.
 */
class FrameScannerTest {

    private static final int MAX = 70_000;
    private static final int KEY = 0x37fa213d;   // the RFC 6455 §5.7 masking key

    /** A stream under construction, remembering where each frame ends. */
    private static final class Stream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> boundaries = new ArrayList<>(List.of(0));

        Stream raw(int... values) {
            for (int v : values) {
                bytes.write(v);
            }
            boundaries.add(bytes.size());
            return this;
        }

        /** One frame with the shortest length encoding, masked with {@link #KEY} if asked. */
        Stream frame(int first, boolean masked, byte[] payload) {
            bytes.write(first);
            int maskBit = masked ? 0x80 : 0;
            if (payload.length < 126) {
                bytes.write(maskBit | payload.length);
            } else if (payload.length < 65536) {
                bytes.write(maskBit | 126);
                bytes.write(payload.length >>> 8);
                bytes.write(payload.length);
            } else {
                bytes.write(maskBit | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    bytes.write((int) ((long) payload.length >>> shift));
                }
            }
            if (masked) {
                bytes.writeBytes(ByteBuffer.allocate(4).putInt(KEY).array());
            }
            for (int j = 0; j < payload.length; j++) {
                bytes.write(masked ? payload[j] ^ (KEY >>> (24 - 8 * (j & 3))) : payload[j]);
            }
            boundaries.add(bytes.size());
            return this;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] filled(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    /** The §5.7 examples and more: text, fragments with a ping inside, ping/pong, 256 B, 64 KiB, close. */
    private static Stream conversation(boolean masked) {
        return new Stream()
                .frame(0x81, masked, ascii("Hello"))
                .frame(0x01, masked, ascii("Hel"))
                .frame(0x80, masked, ascii("lo"))
                .frame(0x89, masked, ascii("Hello"))
                .frame(0x8a, masked, ascii("Hello"))
                .frame(0x01, masked, ascii("Hel"))
                .frame(0x89, masked, new byte[0])
                .frame(0x00, masked, ascii("l"))
                .frame(0x80, masked, ascii("o"))
                .frame(0x82, masked, filled(256))
                .frame(0x82, masked, filled(65536))
                .frame(0x89, masked, filled(125))
                .frame(0x81, masked, new byte[0])
                .frame(0x88, masked, new byte[] {0x03, (byte) 0xe8});
    }

    @Test
    void rfc6455Section57Examples() {
        assertTrue(Arrays.equals(new byte[] {(byte) 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
                new Stream().frame(0x81, false, ascii("Hello")).toBytes()));
        byte[] masked = {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58};
        assertTrue(Arrays.equals(masked, new Stream().frame(0x81, true, ascii("Hello")).toBytes()));
        FrameScanner scanner = FrameScanner.clientToServer(MAX, false);
        assertEquals(FrameScanner.OK, scanner.scan(buffer(masked), 0, masked.length));
        assertEquals(1, scanner.frames());
        assertTrue(scanner.atFrameBoundary());
    }

    @Test
    void wholeConversationAtEverySplit() {
        for (boolean masked : new boolean[] {false, true}) {
            Stream stream = conversation(masked);
            String verdict = feedAllWays(stream, () -> new FrameScanner(masked, MAX, false), -1);
            assertEquals("0/0/null/14/close/-1", verdict, "masked " + masked);
        }
    }

    @Test
    void boundaryIsKnownAtEveryPoint() {
        Stream stream = conversation(false);
        byte[] bytes = stream.toBytes();
        ByteBuffer buf = buffer(bytes);
        FrameScanner scanner = FrameScanner.serverToClient(MAX, false);
        int from = 0;
        for (int to = 1; to <= bytes.length; to++) {
            assertEquals(FrameScanner.OK, scanner.scan(buf, from, to));
            assertEquals(stream.boundaries.contains(to), scanner.atFrameBoundary(), "at " + to);
            assertEquals(to == bytes.length, scanner.closeSeen(), "at " + to);
            from = to;
        }
    }

    @Test
    void violations() {
        // each: a valid prefix, then the offending frame, then bytes that must not matter
        refused(1002, "RSV bit set", false, false, new Stream().raw(0xc1, 0x05, 'H', 'e', 'l', 'l', 'o'));
        refused(1002, "RSV bit set", false, false, new Stream().raw(0xa1, 0x00));
        refused(1002, "RSV bit set", true, false, new Stream().raw(0x91, 0x80, 1, 2, 3, 4));
        for (int opcode : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            refused(1002, "reserved opcode", false, false, new Stream().raw(0x80 | opcode, 0x00));
            refused(1002, "reserved opcode", false, true, new Stream().raw(0x80 | opcode, 0x00));
        }
        refused(1002, "fragmented control frame", false, false, new Stream().raw(0x09, 0x00));
        refused(1002, "fragmented control frame", false, false, new Stream().raw(0x08, 0x02, 0x03, 0xe8));
        refused(1002, "control frame longer than 125", false, false, new Stream().raw(0x89, 0x7e, 0x00, 0x7e));
        refused(1002, "control frame longer than 125", true, false, new Stream().raw(0x8a, 0xff, 0, 0, 0, 0, 0, 0, 0, 126));
        refused(1002, "one-byte body", false, false, new Stream().raw(0x88, 0x01, 0x03));
        refused(1009, "over the limit", false, false, new Stream().raw(0x82, 0x7e, 0x04, 0x01));
        refused(1009, "over the limit", true, false, new Stream().raw(0x82, 0xff, 0, 0, 0, 0, 0, 0, 0x04, 0x01, 1, 2, 3, 4));
        refused(1002, "high bit", false, false, new Stream().raw(0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0));
        refused(1002, "masked frame from the server", false, false,
                new Stream().raw(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
        refused(1002, "unmasked frame from the client", true, false, new Stream().raw(0x81, 0x05, 'H', 'e', 'l', 'l', 'o'));
        refused(1002, "after a close frame", false, false,
                new Stream().frame(0x88, false, new byte[] {0x03, (byte) 0xe8}).raw(0x81, 0x00));
        refused(1002, "after a close frame", false, true, new Stream().frame(0x88, false, new byte[0]).raw(0x8a, 0x00));
        refused(1002, "continuation frame without a message", false, false, new Stream().raw(0x80, 0x02, 'l', 'o'));
        refused(1002, "continuation frame without a message", false, false,
                new Stream().frame(0x01, false, ascii("Hel")).frame(0x80, false, ascii("lo")).raw(0x80, 0x00));
        refused(1002, "new message inside a fragmented message", false, false,
                new Stream().frame(0x01, false, ascii("Hel")).frame(0x89, false, new byte[0]).raw(0x81, 0x00));
        refused(1002, "new message inside a fragmented message", true, false,
                new Stream().frame(0x02, true, filled(300)).raw(0x02, 0x80, 1, 2, 3, 4));
    }

    @Test
    void lenientWhereTheRfcAllowsIt() {
        // non-minimal lengths (§5.2 asks for minimal ones; accepted), limits exactly met
        Stream stream = new Stream()
                .raw(0x81, 0x7e, 0x00, 0x05, 'H', 'e', 'l', 'l', 'o')
                .raw(0x81, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x05, 'H', 'e', 'l', 'l', 'o')
                .frame(0x89, false, filled(125))
                .frame(0x82, false, filled(1024));
        assertEquals("0/0/null/4/open/-1", feedAllWays(stream, () -> FrameScanner.serverToClient(1024, false), -1));
        // with an extension: RSV bits, continuation and interleaving are the extension's business
        Stream extended = new Stream()
                .raw(0xc1, 0x02, 1, 2)
                .raw(0x80, 0x00)
                .raw(0x71, 0x00)
                .raw(0x01, 0x00)
                .raw(0x81, 0x00);
        assertEquals("0/0/null/5/open/-1", feedAllWays(extended, () -> FrameScanner.serverToClient(1024, true), -1));
    }

    @Test
    void staysRefusedUntilReset() {
        FrameScanner scanner = FrameScanner.serverToClient(MAX, false);
        ByteBuffer bad = buffer(new byte[] {(byte) 0x83, 0x00});
        ByteBuffer good = buffer(new Stream().frame(0x81, false, ascii("Hello")).toBytes());
        assertEquals(FrameScanner.VIOLATION, scanner.scan(bad, 0, 2));
        assertEquals(FrameScanner.VIOLATION, scanner.scan(good, 0, 7));
        scanner.reset(false);
        assertEquals(FrameScanner.OK, scanner.scan(good, 0, 7));
        assertEquals(1, scanner.frames());
        assertEquals(0, scanner.closeCode());
        assertEquals(null, scanner.reason());
        assertEquals(-1, scanner.violationIndex());
    }

    private interface Factory {
        FrameScanner create();
    }

    private static void refused(int code, String reason, boolean masked, boolean extensions, Stream stream) {
        int prefix = stream.boundaries.get(stream.boundaries.size() - 2);
        // trailing valid-looking bytes after the offending frame's header must change nothing
        stream.raw(0x81, masked ? 0x80 : 0x00);
        String verdict = feedAllWays(stream, () -> new FrameScanner(masked, 1024, extensions), prefix);
        assertTrue(verdict.startsWith("1/" + code + "/") && verdict.contains(reason), verdict + " for " + reason);
        assertTrue(verdict.endsWith("/" + prefix), verdict);
    }

    /**
     * Scans {@code stream} whole, at every split into two calls, and byte by byte; all must agree.
     * {@code prefix}: where the offending frame starts, to check {@link FrameScanner#violationIndex()}.
     *
     * @return verdict/closeCode/reason/frames/close-or-open/violationIndex of the whole scan
     */
    private static String feedAllWays(Stream stream, Factory factory, int prefix) {
        byte[] bytes = stream.toBytes();
        ByteBuffer buf = buffer(bytes);
        FrameScanner whole = factory.create();
        int wholeVerdict = whole.scan(buf, 0, bytes.length);
        String expected = summary(whole, wholeVerdict);
        if (wholeVerdict == FrameScanner.VIOLATION) {
            assertTrue(whole.atFrameBoundary());
        }
        for (int split = 1; split < bytes.length; split++) {
            FrameScanner part = factory.create();
            int verdict = part.scan(buf, 0, split);
            boolean first = verdict == FrameScanner.VIOLATION;
            if (!first) {
                verdict = part.scan(buf, split, bytes.length);
            }
            assertEquals(expected, summary(part, verdict).replaceAll("/-?\\d+$", "/" + whole.violationIndex()),
                    "split at " + split);
            if (verdict == FrameScanner.VIOLATION) {
                if (part.violationIndex() == prefix) {
                    assertTrue(part.atFrameBoundary(), "split at " + split);
                } else {
                    assertEquals(split, part.violationIndex(), "split at " + split);
                    assertFalse(first || part.atFrameBoundary(), "split at " + split);
                }
            }
        }
        FrameScanner bytewise = factory.create();
        int verdict = FrameScanner.OK;
        for (int i = 0; i < bytes.length && verdict == FrameScanner.OK; i++) {
            verdict = bytewise.scan(buf, i, i + 1);
        }
        assertEquals(expected.replaceAll("/-?\\d+$", ""), summary(bytewise, verdict).replaceAll("/-?\\d+$", ""),
                "byte by byte");
        return expected;
    }

    private static String summary(FrameScanner scanner, int verdict) {
        return verdict + "/" + scanner.closeCode() + "/" + scanner.reason() + "/" + scanner.frames() + "/"
                + (scanner.closeSeen() ? "close" : "open") + "/" + scanner.violationIndex();
    }

    private static ByteBuffer buffer(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(0, bytes);
        return buf;
    }
}
