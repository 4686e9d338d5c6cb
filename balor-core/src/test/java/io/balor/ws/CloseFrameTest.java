package io.balor.ws;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close frames as Balor writes them (RFC 6455 §5.5.1), decoded back and scanned. */
class CloseFrameTest {

    @Test
    void unmaskedGoingAway() {
        ByteBuffer dst = ByteBuffer.allocateDirect(64);
        dst.position(3);
        int written = CloseFrame.write(dst, CloseFrame.GOING_AWAY, "going away");
        assertEquals(14, written);
        assertEquals(CloseFrame.size("going away", false), written);
        assertEquals(17, dst.position());
        byte[] bytes = new byte[written];
        dst.get(3, bytes);
        byte[] expected = new byte[14];
        expected[0] = (byte) 0x88;
        expected[1] = 12;
        expected[2] = 0x03;
        expected[3] = (byte) 0xe9;
        System.arraycopy("going away".getBytes(StandardCharsets.US_ASCII), 0, expected, 4, 10);
        assertArrayEquals(expected, bytes);
        assertDecodes(bytes, false, 1001, "going away");

        FrameScanner scanner = FrameScanner.serverToClient(1024, false);
        assertEquals(FrameScanner.OK, scanner.scan(dst, 3, 17));
        assertTrue(scanner.closeSeen());
        assertTrue(scanner.atFrameBoundary());
    }

    @Test
    void maskedForTheUpstream() {
        ByteBuffer dst = ByteBuffer.allocateDirect(64);
        int key = 0x37fa213d;
        int written = CloseFrame.writeMasked(dst, CloseFrame.PROTOCOL_ERROR, "protocol error", key);
        assertEquals(2 + 4 + 2 + 14, written);
        byte[] bytes = new byte[written];
        dst.get(0, bytes);
        assertEquals((byte) 0x88, bytes[0]);
        assertEquals((byte) (0x80 | 16), bytes[1]);
        assertEquals(key, ByteBuffer.wrap(bytes, 2, 4).getInt());
        assertEquals((byte) (0x03 ^ 0x37), bytes[6]);   // masked, not the plain code
        assertDecodes(bytes, true, 1002, "protocol error");

        FrameScanner scanner = FrameScanner.clientToServer(1024, false);
        assertEquals(FrameScanner.OK, scanner.scan(dst, 0, written));
        assertTrue(scanner.closeSeen());
    }

    @Test
    void everyKeyByteAndEmptyReason() {
        for (int key : new int[] {0, -1, 0x01020304, 0x80ff7f00}) {
            ByteBuffer dst = ByteBuffer.allocate(200);
            String reason = "x".repeat(CloseFrame.MAX_REASON);
            int written = CloseFrame.writeMasked(dst, 4000, reason, key);
            byte[] bytes = new byte[written];
            dst.get(0, bytes);
            assertDecodes(bytes, true, 4000, reason);
        }
        ByteBuffer dst = ByteBuffer.allocate(8);
        assertEquals(4, CloseFrame.write(dst, CloseFrame.NORMAL, ""));
        assertArrayEquals(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8}, java.util.Arrays.copyOf(dst.array(), 4));
    }

    @Test
    void writesNothingWithoutRoom() {
        ByteBuffer dst = ByteBuffer.allocate(14);
        dst.put((byte) 1);
        assertEquals(0, CloseFrame.write(dst, CloseFrame.GOING_AWAY, "going away"));
        assertEquals(1, dst.position());
        assertEquals(0, CloseFrame.writeMasked(ByteBuffer.allocate(17), CloseFrame.GOING_AWAY, "going away", 7));
    }

    @Test
    void refusesCodesAndReasonsThatMayNotBeSent() {
        ByteBuffer dst = ByteBuffer.allocate(256);
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000}) {
            assertThrows(IllegalArgumentException.class, () -> CloseFrame.write(dst, code, ""), "code " + code);
        }
        assertThrows(IllegalArgumentException.class, () -> CloseFrame.write(dst, 1000, "x".repeat(124)));
        assertThrows(IllegalArgumentException.class, () -> CloseFrame.write(dst, 1000, "caf\u00e9"));
        assertEquals(0, dst.position());
    }

    /** Decodes one close frame the way a peer would (§5.2, §5.3, §5.5.1). */
    private static void assertDecodes(byte[] frame, boolean masked, int code, String reason) {
        assertEquals(0x88, frame[0] & 0xff, "FIN and opcode close");
        assertEquals(masked, (frame[1] & 0x80) != 0, "mask bit");
        int length = frame[1] & 0x7f;
        assertTrue(length <= 125);
        int payloadStart = masked ? 6 : 2;
        assertEquals(payloadStart + length, frame.length);
        byte[] payload = new byte[length];
        for (int j = 0; j < length; j++) {
            payload[j] = (byte) (frame[payloadStart + j] ^ (masked ? frame[2 + (j & 3)] : 0));
        }
        assertEquals(code, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff));
        assertEquals(reason, new String(payload, 2, length - 2, StandardCharsets.UTF_8));
    }
}
