package io.balor.http2;

/**
 * The arrays HTTP/2 connections need only within one call, shared by the connections of one
 * loop thread so that an idle connection holds none of them: the one a header block is gathered
 * in and the one {@link HpackDecoder} decodes its fields into. A block that does not end in the
 * frame it began in is copied out of the shared array into one of its own ({@link HeaderBlock}).
 * Owned by its loop's thread; an array grows to the largest size asked for, then stays.
 */
public final class Http2Scratch {

    private byte[] block = new byte[0];
    private byte[] decoding = new byte[0];

    /** The array a header block is gathered in, at least {@code size} octets. */
    byte[] block(int size) {
        if (block.length < size) {
            block = new byte[size];
        }
        return block;
    }

    /** The array a block's fields are decoded into, at least {@code size} octets. */
    byte[] decoding(int size) {
        if (decoding.length < size) {
            decoding = new byte[size];
        }
        return decoding;
    }
}
