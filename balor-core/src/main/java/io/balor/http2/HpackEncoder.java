package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * Encodes header fields as HPACK (RFC 7541) for one HTTP/2 connection and direction, owned by
 * the connection's loop thread. Allocation-free.
 *
 * <h2>What it writes</h2>
 * It never adds to the dynamic table (HAProxy's encoder does the same): a field the static table
 * has whole is one index (§6.1); any other is a literal without indexing (§6.2.2) with the
 * static table's index for its name when it has one; a sensitive field is a never-indexed
 * literal (§6.2.3), never an index, so that no later hop compresses it either. Strings go as
 * they are, never Huffman-coded (§5.2 leaves it to the encoder; HAProxy does the same): coding
 * them cost a sixth of Balor's CPU on an HTTP/2 request for a fifth fewer header octets. Its first block, and the first after the peer
 * changes SETTINGS_HEADER_TABLE_SIZE, starts with a dynamic table size update to 0 (§4.2, §6.3):
 * the peer's decoder then holds no table for this side, whatever size it allows.
 *
 * <p>Names are written as given: the caller passes them in lower case, as HTTP/2 requires
 * (RFC 9113 §8.2.1).
 */
public final class HpackEncoder {

    private boolean sizeUpdateDue = true;
    /** The block begun last carries the size update. */
    private boolean updateInBlock;

    /** The peer announced a SETTINGS_HEADER_TABLE_SIZE: the next block says again that it uses none. */
    public void peerTableSizeChanged() {
        sizeUpdateDue = true;
    }

    /**
     * The most octets one field can take, to size the buffer: a representation byte, the name's
     * length and the name, the value's length and the value.
     */
    public static int maxFieldLength(int nameLength, int valueLength) {
        return 1 + 5 + nameLength + 5 + valueLength;
    }

    /** Starts a header block: writes the table size update when one is due (at most 1 octet). */
    public void startBlock(ByteBuffer dst) {
        updateInBlock = sizeUpdateDue;
        if (sizeUpdateDue) {
            writeInt(0x20, 5, 0, dst);
            sizeUpdateDue = false;
        }
    }

    /** The block begun last will not be sent: a size update it carried is due again. */
    public void abandonBlock() {
        sizeUpdateDue |= updateInBlock;
        updateInBlock = false;
    }

    /** Writes one field; {@code dst} has {@link #maxFieldLength} octets left. */
    public void field(byte[] name, int nameFrom, int nameLength, byte[] value, int valueFrom, int valueLength,
            boolean sensitive, ByteBuffer dst) {
        int index = StaticTable.find(name, nameFrom, nameLength, value, valueFrom, valueLength);
        if (index > 0 && !sensitive) {
            writeInt(0x80, 7, index, dst);
            return;
        }
        int first = sensitive ? 0x10 : 0x00;
        if (index != 0) {
            writeInt(first, 4, Math.abs(index), dst);
        } else {
            dst.put((byte) first);
            writeString(name, nameFrom, nameLength, dst);
        }
        writeString(value, valueFrom, valueLength, dst);
    }

    private static void writeString(byte[] src, int from, int length, ByteBuffer dst) {
        writeInt(0x00, 7, length, dst);
        dst.put(src, from, length);
    }

    /** §5.1: {@code value} with a {@code prefixBits}-bit prefix, the first octet's other bits {@code first}. */
    static void writeInt(int first, int prefixBits, int value, ByteBuffer dst) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            dst.put((byte) (first | value));
            return;
        }
        dst.put((byte) (first | max));
        int rest = value - max;
        while (rest >= 0x80) {
            dst.put((byte) ((rest & 0x7f) | 0x80));
            rest >>>= 7;
        }
        dst.put((byte) rest);
    }
}
