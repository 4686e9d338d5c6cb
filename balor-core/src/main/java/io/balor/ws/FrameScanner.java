package io.balor.ws;

import java.nio.ByteBuffer;

/**
 * Walks the WebSocket frames (RFC 6455 §5.2) flowing through a tunnel in one direction, without
 * copying or unmasking anything, and stops at the first frame that breaks the rules. One
 * instance per direction of a tunnel, owned by the session's loop thread; allocates nothing.
 *
 * <h2>How it reads</h2>
 * {@link #scan} is called on each run of bytes as it arrives, in stream order, before they are
 * forwarded. A frame header (2 to 14 bytes) may be split across any number of calls: the
 * scanner keeps what it has learnt of it (flags, opcode, the length being assembled, how many
 * header bytes are still due). Payload bytes are only counted and skipped. Every rule is checked
 * at the header byte that decides it, so the verdict, close code and reason are the same however
 * the bytes were split.
 *
 * <h2>What it refuses</h2>
 * With close code 1002 (protocol error, §7.4.1): RSV bits without a negotiated extension (§5.2),
 * reserved opcodes 3-7 and 11-15 (§5.2), a control frame that is fragmented or longer than 125
 * bytes (§5.5), a close frame with a one-byte body (§5.5.1), a mask where it must not be or no
 * mask where it must (§5.1, §5.3), a 64-bit length with its high bit set (§5.2), any frame
 * after a close frame (§5.5.1), and (without extensions, which may redefine them) a continuation
 * with no message to continue or a new message inside a fragmented one (§5.4). With close code
 * 1009 (message too big): a payload over the configured maximum. Lengths that are not encoded in
 * the fewest bytes are accepted (§5.2 asks for minimal encodings, but nothing breaks without).
 *
 * <p>After a violation every call answers {@link #VIOLATION} until {@link #reset}.
 */
public final class FrameScanner {

    /** All bytes so far are (parts of) valid frames: forward them. */
    public static final int OK = 0;
    /** A frame broke a rule: see {@link #closeCode()}, {@link #reason()}, {@link #violationIndex()}. */
    public static final int VIOLATION = 1;

    /** RFC 6455 §7.4.1: protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455 §7.4.1: message too big. */
    public static final int MESSAGE_TOO_BIG = 1009;

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xa;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** The one reason that maps to 1009; compared by identity. */
    private static final String TOO_BIG = "frame payload over the limit";

    private final boolean masked;
    private final long maxPayload;
    private boolean extensions;

    // the frame being read
    private int headerRead;       // header bytes seen; 0 between frames and during a payload
    private int headerLength;     // 2 until the second byte is read, then the whole header's size
    private int lengthEnd;        // the index just past the length bytes within the header
    private int opcode;
    private long length;
    private long remaining;       // payload bytes still to skip
    private boolean inPayload;
    // the stream
    private boolean inMessage;    // a fragmented data message has begun and not yet ended
    private boolean closeSeen;
    private long frames;
    // the verdict
    private int closeCode;
    private String reason;
    private int violationIndex = -1;
    private boolean boundaryBeforeViolation;

    /**
     * @param masked     whether frames must be masked (client to server) or must not be (server
     *                   to client), RFC 6455 §5.1
     * @param maxPayload the largest payload one frame may declare
     * @param extensions whether the handshake negotiated an extension (then RSV bits may be set)
     */
    public FrameScanner(boolean masked, long maxPayload, boolean extensions) {
        if (maxPayload < MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("maxPayload below 125: " + maxPayload);
        }
        this.masked = masked;
        this.maxPayload = maxPayload;
        this.extensions = extensions;
        reset(extensions);
    }

    /** A scanner for the client-to-upstream direction: every frame masked. */
    public static FrameScanner clientToServer(long maxPayload, boolean extensions) {
        return new FrameScanner(true, maxPayload, extensions);
    }

    /** A scanner for the upstream-to-client direction: no frame masked. */
    public static FrameScanner serverToClient(long maxPayload, boolean extensions) {
        return new FrameScanner(false, maxPayload, extensions);
    }

    /** Forgets the stream, to scan a new one (a new tunnel, same direction and limit). */
    public void reset(boolean extensions) {
        this.extensions = extensions;
        headerRead = 0;
        headerLength = 2;
        lengthEnd = 2;
        opcode = 0;
        length = 0;
        remaining = 0;
        inPayload = false;
        inMessage = false;
        closeSeen = false;
        frames = 0;
        closeCode = 0;
        reason = null;
        violationIndex = -1;
        boundaryBeforeViolation = false;
    }

    /**
     * Reads {@code buf[from, to)}, the next bytes of the stream (absolute indexes; the buffer's
     * position and limit are not used or changed).
     *
     * @return {@link #OK} or {@link #VIOLATION}
     */
    public int scan(ByteBuffer buf, int from, int to) {
        if (reason != null) {
            return VIOLATION;
        }
        int headerStart = -1;   // where the current header began in this call; -1 if earlier
        int i = from;
        while (i < to) {
            if (inPayload) {
                long skip = Math.min(remaining, to - i);
                i += (int) skip;
                remaining -= skip;
                if (remaining == 0) {
                    endFrame();
                }
                continue;
            }
            if (headerRead == 0) {
                headerStart = i;
            }
            String problem = headerByte(buf.get(i) & 0xff);
            i++;
            if (problem != null) {
                reason = problem;
                closeCode = problem == TOO_BIG ? MESSAGE_TOO_BIG : PROTOCOL_ERROR;
                violationIndex = headerStart >= 0 ? headerStart : from;
                boundaryBeforeViolation = headerStart >= 0;
                return VIOLATION;
            }
        }
        return OK;
    }

    /** Takes one header byte; answers the rule it breaks, or null. */
    private String headerByte(int b) {
        int at = headerRead++;
        if (at == 0) {
            return firstByte(b);
        }
        if (at == 1) {
            boolean maskBit = (b & 0x80) != 0;
            if (maskBit != masked) {
                return masked ? "unmasked frame from the client" : "masked frame from the server";
            }
            int length7 = b & 0x7f;
            if (opcode >= CLOSE && length7 > MAX_CONTROL_PAYLOAD) {
                return "control frame longer than 125 bytes";
            }
            lengthEnd = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
            headerLength = lengthEnd + (maskBit ? 4 : 0);
            length = length7 < 126 ? length7 : 0;
        } else if (at < lengthEnd) {
            length = (length << 8) | b;   // network byte order (§5.2)
        }
        // bytes from lengthEnd to headerLength are the masking key: never needed
        if (at + 1 == lengthEnd) {
            String problem = checkLength();
            if (problem != null) {
                return problem;
            }
        }
        if (headerRead == headerLength) {
            headerRead = 0;
            headerLength = 2;
            if (length == 0) {
                endFrame();
            } else {
                remaining = length;
                inPayload = true;
            }
        }
        return null;
    }

    /** FIN, RSV1-3 and the opcode (§5.2), and where the frame stands in the stream. */
    private String firstByte(int b) {
        if (closeSeen) {
            return "frame after a close frame";
        }
        boolean fin = (b & 0x80) != 0;
        opcode = b & 0x0f;
        if ((b & 0x70) != 0 && !extensions) {
            return "RSV bit set without an extension";
        }
        if (opcode > BINARY && opcode != CLOSE && opcode != PING && opcode != PONG) {
            return "reserved opcode";
        }
        if (opcode >= CLOSE) {
            return fin ? null : "fragmented control frame";
        }
        if (!extensions) {
            if (opcode == CONTINUATION && !inMessage) {
                return "continuation frame without a message";
            }
            if (opcode != CONTINUATION && inMessage) {
                return "new message inside a fragmented message";
            }
        }
        inMessage = !fin;
        return null;
    }

    private String checkLength() {
        if (length < 0) {
            return "64-bit length with the high bit set";
        }
        if (length > maxPayload) {
            return TOO_BIG;
        }
        if (opcode == CLOSE && length == 1) {
            return "close frame with a one-byte body";
        }
        return null;
    }

    private void endFrame() {
        inPayload = false;
        frames++;
        if (opcode == CLOSE) {
            closeSeen = true;
        }
    }

    /**
     * Whether the bytes accepted so far end exactly between two frames: the place where a close
     * frame can be injected cleanly. After a violation: whether the bytes before
     * {@link #violationIndex()} end between two frames (false if the offending header began in
     * an earlier call, whose bytes may already have been forwarded).
     */
    public boolean atFrameBoundary() {
        return reason != null ? boundaryBeforeViolation : !inPayload && headerRead == 0;
    }

    /** Whether a whole close frame has passed (§5.5.1): nothing may follow it in this direction. */
    public boolean closeSeen() {
        return closeSeen;
    }

    /** Whether a fragmented data message has begun and not yet ended (§5.4). */
    public boolean inMessage() {
        return inMessage;
    }

    /** How many whole frames have passed. */
    public long frames() {
        return frames;
    }

    /** The close code to send after a violation (1002 or 1009), else 0. */
    public int closeCode() {
        return closeCode;
    }

    /** Why the stream was refused (a constant, for the log), or null. */
    public String reason() {
        return reason;
    }

    /**
     * After a violation: the index, in the buffer of the failing call, of the offending frame's
     * first byte, or that call's {@code from} if the frame began in an earlier call. The bytes
     * of that call before it belong to valid frames and may be forwarded. Else -1.
     */
    public int violationIndex() {
        return violationIndex;
    }
}
