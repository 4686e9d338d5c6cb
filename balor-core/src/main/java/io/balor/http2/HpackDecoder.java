package io.balor.http2;

/**
 * Decodes HPACK header blocks (RFC 7541) into fields: one per HTTP/2 connection and direction,
 * owned by the connection's loop thread, holding the dynamic table the peer's encoder fills.
 * Allocation-free: names and values are decoded into one scratch array, which the connections
 * of a loop share ({@link Http2Scratch}), and handed to a {@link FieldSink} as offsets into it,
 * valid during the callback only.
 *
 * <h2>What it refuses</h2>
 * {@link #decode} answers {@link #COMPRESSION_ERROR} (RFC 9113 §4.3: a connection error, as the
 * table may now differ from the peer's) for: index 0 or past both tables (§2.3.3, §6.1); an
 * integer over 2^31 - 1 or with more continuation octets than that needs (§5.1); a string or
 * representation cut off by the end of the block; a Huffman string that is invalid (§5.2: EOS,
 * or padding over 7 bits or not all ones); a dynamic table size update above the size this side
 * allows, or after the first field of a block (§4.2, §6.3).
 *
 * <h2>A list too large</h2>
 * A block whose fields pass {@code maxListSize} in the RFC 9113 §6.5.2 measure (name, value and
 * 32 per field) is still decoded to its end, so the dynamic table stays the same as the peer's,
 * but the fields past the limit are not handed over and {@link #listTooLarge()} says so: the
 * caller refuses that one request (431, as HAProxy and nginx do) and the connection goes on.
 */
public final class HpackDecoder {

    /** The block decoded; every field within the limit was handed over. */
    public static final int OK = 0;
    /** The block broke HPACK's rules: see {@link #problem()}. */
    public static final int COMPRESSION_ERROR = 1;

    /** Receives decoded fields; the offsets are into {@code bytes}, valid during the call only. */
    public interface FieldSink {
        /**
         * One field in block order.
         *
         * @param sensitive sent "never indexed" (§6.2.3): whoever forwards it must keep it so
         */
        void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive);
    }

    /** A sink that takes the fields of blocks nobody will use (decoded only to keep the table in step). */
    public static final FieldSink DISCARD = (bytes, nameFrom, nameLength, valueFrom, valueLength, sensitive) -> { };

    private final DynamicTable table;
    private final int maxListSize;
    private final int scratchSize;
    private final Http2Scratch scratches;
    /**
     * While a block is decoded, the loop's shared array ({@link Http2Scratch}): [0, maxListSize)
     * the fields handed over; the rest one field that is only indexed.
     */
    private byte[] scratch;

    // the block being decoded
    private byte[] src;
    private int pos;
    private int end;
    private int out;
    private long listSize;
    private boolean tooLarge;
    private String problem;

    /**
     * @param maxTableSize what this side announces as SETTINGS_HEADER_TABLE_SIZE (4096 by default)
     * @param maxListSize  what this side accepts as a header list (SETTINGS_MAX_HEADER_LIST_SIZE)
     */
    public HpackDecoder(int maxTableSize, int maxListSize) {
        this(maxTableSize, maxListSize, new Http2Scratch());
    }

    /** With the decoding array shared by the connections of one loop ({@link Http2Scratch}). */
    public HpackDecoder(int maxTableSize, int maxListSize, Http2Scratch scratches) {
        if (maxTableSize < 0 || maxListSize < 1) {
            throw new IllegalArgumentException("sizes out of range: " + maxTableSize + ", " + maxListSize);
        }
        this.table = new DynamicTable(maxTableSize);
        this.maxListSize = maxListSize;
        this.scratchSize = maxListSize + maxTableSize;
        this.scratches = scratches;
    }

    /** Whether the last block's fields passed the list size: some were not handed over. */
    public boolean listTooLarge() {
        return tooLarge;
    }

    /** Why the last block was refused, or null. */
    public String problem() {
        return problem;
    }

    /** The dynamic table's size now, in the RFC's measure (for tests and metrics). */
    int tableSize() {
        return table.size();
    }

    /** Entries in the dynamic table now. */
    int tableLength() {
        return table.length();
    }

    /** Decodes the whole header block {@code block[from, to)} into {@code sink}. */
    public int decode(byte[] block, int from, int to, FieldSink sink) {
        src = block;
        scratch = scratches.decoding(scratchSize);
        pos = from;
        end = to;
        out = 0;
        listSize = 0;
        tooLarge = false;
        problem = null;
        boolean fieldSeen = false;
        while (pos < end) {
            int b = src[pos] & 0xff;
            boolean ok;
            if ((b & 0x80) != 0) {                           // §6.1 indexed field
                ok = indexed(sink);
            } else if ((b & 0xc0) == 0x40) {                 // §6.2.1 literal, incremental indexing
                ok = literal(6, true, false, sink);
            } else if ((b & 0xe0) == 0x20) {                 // §6.3 dynamic table size update
                ok = fieldSeen ? refuse("a dynamic table size update after a field") : sizeUpdate();
            } else {                                         // §6.2.2 without, §6.2.3 never indexed
                ok = literal(4, false, (b & 0x10) != 0, sink);
            }
            if (!ok) {
                src = null;
                scratch = null;
                return COMPRESSION_ERROR;
            }
            fieldSeen = fieldSeen || (b & 0xe0) != 0x20;
        }
        src = null;
        scratch = null;
        return OK;
    }

    private boolean indexed(FieldSink sink) {
        long index = readInt(7);
        if (index < 0) {
            return false;
        }
        if (index == 0) {
            return refuse("index 0");
        }
        if (tooLarge) {
            // past the limit a reference is only counted: copying it would let one octet cost a
            // table entry's worth of work (the "HPACK bomb")
            if (index > StaticTable.LENGTH + table.length()) {
                return refuse("index " + index + " past both tables (" + (StaticTable.LENGTH + table.length()) + " entries)");
            }
            listSize += (index <= StaticTable.LENGTH
                    ? StaticTable.name((int) index).length + StaticTable.value((int) index).length
                    : table.nameLength((int) (index - StaticTable.LENGTH))
                            + table.valueLength((int) (index - StaticTable.LENGTH))) + DynamicTable.ENTRY_OVERHEAD;
            return true;
        }
        int nameFrom = out;
        int nameLength = copyName(index);
        if (nameLength < 0) {
            return false;
        }
        int valueLength = copyValue(index, nameFrom + nameLength);
        emit(nameFrom, nameLength, valueLength, false, sink);
        return true;
    }

    private boolean literal(int prefixBits, boolean indexing, boolean sensitive, FieldSink sink) {
        long index = readInt(prefixBits);
        if (index < 0) {
            return false;
        }
        int nameFrom = out;
        int nameLength;
        if (index == 0) {
            nameLength = readString(nameFrom);
        } else {
            nameLength = copyName(index);
        }
        if (nameLength < 0) {
            return false;
        }
        int valueLength = readString(nameFrom + nameLength);
        if (valueLength < 0) {
            return false;
        }
        if (indexing) {
            if (nameFrom + nameLength + valueLength <= scratch.length) {
                table.add(scratch, nameFrom, nameLength, nameFrom + nameLength, valueLength);
            } else {
                table.clear();   // larger than the table can be: §4.4 empties it
            }
        }
        emit(nameFrom, nameLength, valueLength, sensitive, sink);
        return true;
    }

    private boolean sizeUpdate() {
        long size = readInt(5);
        if (size < 0) {
            return false;
        }
        if (size > table.capacity()) {
            return refuse("a dynamic table size update to " + size + ", above the " + table.capacity() + " allowed");
        }
        table.setMaxSize((int) size);
        return true;
    }

    /**
     * Counts the field against the list size and hands it over when within it; the next field is
     * decoded after it, or, past the limit, into the same place again.
     */
    private void emit(int nameFrom, int nameLength, int valueLength, boolean sensitive, FieldSink sink) {
        listSize += (long) nameLength + valueLength + DynamicTable.ENTRY_OVERHEAD;
        if (!tooLarge && listSize <= maxListSize) {
            sink.field(scratch, nameFrom, nameLength, nameFrom + nameLength, valueLength, sensitive);
            out = nameFrom + nameLength + valueLength;
        } else {
            tooLarge = true;
            out = maxListSize;   // what is past the limit is decoded only to keep the table right
        }
    }

    /** Copies the name of table entry {@code index} to {@code out}; its length, or -1. */
    private int copyName(long index) {
        if (index <= StaticTable.LENGTH) {
            return put(StaticTable.name((int) index), out);
        }
        if (index - StaticTable.LENGTH > table.length()) {
            return fail("index " + index + " past both tables (" + (StaticTable.LENGTH + table.length()) + " entries)");
        }
        int entry = (int) (index - StaticTable.LENGTH);
        int length = table.nameLength(entry);
        if (out + length > scratch.length) {
            return tooLong(length);
        }
        table.copyName(entry, scratch, out);
        return length;
    }

    /** Copies the value of table entry {@code index} (known to exist) to {@code at}; its length. */
    private int copyValue(long index, int at) {
        if (index <= StaticTable.LENGTH) {
            return put(StaticTable.value((int) index), at);
        }
        int entry = (int) (index - StaticTable.LENGTH);
        int length = table.valueLength(entry);
        if (at + length > scratch.length) {
            return tooLong(length);
        }
        table.copyValue(entry, scratch, at);
        return length;
    }

    private int put(byte[] bytes, int at) {
        if (at + bytes.length > scratch.length) {
            return tooLong(bytes.length);
        }
        System.arraycopy(bytes, 0, scratch, at, bytes.length);
        return bytes.length;
    }

    /**
     * §5.2: reads a string literal and decodes it to {@code at}; its decoded length, or -1 on a
     * COMPRESSION_ERROR.
     */
    private int readString(int at) {
        if (pos >= end) {
            return fail("a string literal cut off");
        }
        boolean huffman = (src[pos] & 0x80) != 0;
        long length = readInt(7);
        if (length < 0) {
            return -1;
        }
        if (length > end - pos) {
            return fail("a string literal of " + length + " octets with " + (end - pos) + " left in the block");
        }
        int from = pos;
        pos += (int) length;
        if (!huffman) {
            if (at + length > scratch.length) {
                return tooLong(length);
            }
            System.arraycopy(src, from, scratch, at, (int) length);
            return (int) length;
        }
        int decodedEnd = Huffman.decode(src, from, pos, scratch, at, scratch.length);
        if (decodedEnd == Huffman.OVERFLOW) {
            int decoded = Huffman.decode(src, from, pos, null, 0, Integer.MAX_VALUE);
            return decoded == Huffman.INVALID ? fail("an invalid Huffman-coded string") : tooLong(decoded);
        }
        if (decodedEnd == Huffman.INVALID) {
            return fail("an invalid Huffman-coded string");
        }
        return decodedEnd - at;
    }

    /**
     * A name or value that does not fit in the scratch, even in the part kept for indexing past
     * the limit: the field is larger than the list and the table may be, so its bytes are not
     * kept. Its length is returned all the same: the value that follows it does not fit either,
     * {@link #literal} empties the table for it (§4.4) and {@link #emit} does not hand it over.
     */
    private int tooLong(long length) {
        tooLarge = true;
        out = maxListSize;
        return (int) Math.min(length, Integer.MAX_VALUE / 4);
    }

    /** §5.1: an integer with an {@code prefixBits}-bit prefix at {@code pos}; -1 on a failure. */
    private long readInt(int prefixBits) {
        if (pos >= end) {
            return fail("an integer cut off");
        }
        int max = (1 << prefixBits) - 1;
        long value = src[pos++] & max;
        if (value < max) {
            return value;
        }
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos >= end) {
                return fail("an integer cut off");
            }
            int b = src[pos++] & 0xff;
            value += (long) (b & 0x7f) << shift;
            if (value > Integer.MAX_VALUE) {
                return fail("an integer over 2^31 - 1");
            }
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return fail("an integer over 2^31 - 1");
    }

    private boolean refuse(String why) {
        fail(why);
        return false;
    }

    private int fail(String why) {
        if (problem == null) {
            problem = why;
        }
        return -1;
    }
}
