package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * Turns the HTTP/1.1 response head Balor writes for a client (a status line and field lines,
 * CRLF, as {@code io.balor.http.HeadWriter} regenerates them with the hop-by-hop fields already
 * gone) into an HTTP/2 header block: {@code :status}, then each field with its name in lower
 * case (RFC 9113 §8.2.1). The fields HTTP/1.1 needs and HTTP/2 forbids (§8.2.2) are left out:
 * {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding},
 * {@code upgrade}. {@code set-cookie} is written never-indexed. Stateless; any thread, with its
 * own scratch for the lower-cased name.
 */
public final class ResponseBlock extends HeadBlock {

    private static final byte[] STATUS = {':', 's', 't', 'a', 't', 'u', 's'};

    /** @param maxValue the longest field value it copies (a longer one is refused: false) */
    public ResponseBlock(int maxValue) {
        super(maxValue);
    }

    /**
     * Encodes the head in {@code head[from, to)} (the status line to the blank line) into
     * {@code block} with {@code encoder}. False when the head is not one Balor writes (no status
     * line, a line without a colon), a name or value is too long for the scratch, or the block
     * has no room: nothing is to be sent then.
     */
    public boolean encode(ByteBuffer head, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        // "HTTP/1.1 200 OK\r\n": the three digits after the first space
        int space = indexOf(head, from, to, (byte) ' ');
        if (space < 0 || space + 4 > to || !digits(head, space + 1, 3)) {
            return false;
        }
        encoder.startBlock(block);
        if (!field(encoder, block, STATUS, STATUS.length, head, space + 1, 3, false)) {
            return abandon(encoder, block, mark);
        }
        return fieldLines(head, indexOf(head, space, to, (byte) '\n') + 1, to, encoder, block, mark);
    }

    @Override
    boolean keep(int nameLength, ByteBuffer in, int valueFrom, int valueTo) {
        return !connectionSpecific(nameLength);
    }

    private static boolean digits(ByteBuffer b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (b.get(i) < '0' || b.get(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
