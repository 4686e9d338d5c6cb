package io.balor.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What Balor needs to know of gRPC (the gRPC over HTTP/2 protocol document, "PROTOCOL-HTTP2"):
 * which requests are gRPC calls, their {@code grpc-timeout} as a deadline, and Balor's own errors
 * written as a gRPC client expects them: a trailers-only response ({@code :status 200},
 * {@code content-type: application/grpc}, {@code grpc-status}, {@code grpc-message}) rather than
 * an HTML page. Stateless; any thread.
 */
public final class Grpc {

    // gRPC status codes (the gRPC "statuscodes" document)
    public static final int UNKNOWN = 2;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private static final byte[] CONTENT_TYPE = ascii("content-type");
    private static final byte[] APPLICATION_GRPC = ascii("application/grpc");
    private static final byte[] STATUS = ascii(":status");
    private static final byte[] OK = ascii("200");
    private static final byte[] GRPC_STATUS = ascii("grpc-status");
    private static final byte[] GRPC_MESSAGE = ascii("grpc-message");
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    /** The longest timeout taken (2^62 ns, 146 years): 8 digits of hours would not fit a long. */
    static final long MAX_TIMEOUT_NANOS = 1L << 62;

    private Grpc() {
    }

    /** Whether a {@code content-type} value names gRPC: {@code application/grpc}, alone or with {@code +proto}, {@code ;...}. */
    public static boolean isGrpc(byte[] b, int from, int length) {
        if (length < APPLICATION_GRPC.length) {
            return false;
        }
        for (int i = 0; i < APPLICATION_GRPC.length; i++) {
            byte c = b[from + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != APPLICATION_GRPC[i]) {
                return false;
            }
        }
        return length == APPLICATION_GRPC.length || b[from + APPLICATION_GRPC.length] == '+'
                || b[from + APPLICATION_GRPC.length] == ';';
    }

    /**
     * A {@code grpc-timeout} value (1 to 8 digits, then H, M, S, m, u or n) in nanoseconds, or -1
     * when it is not one: the call then has no deadline of its own.
     */
    public static long timeoutNanos(byte[] b, int from, int length) {
        if (length < 2 || length > 9) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < from + length - 1; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            value = value * 10 + (b[i] - '0');
        }
        long unit;
        switch (b[from + length - 1]) {
            case 'H': unit = 3_600_000_000_000L; break;
            case 'M': unit = 60_000_000_000L; break;
            case 'S': unit = 1_000_000_000L; break;
            case 'm': unit = 1_000_000L; break;
            case 'u': unit = 1_000L; break;
            case 'n': unit = 1L; break;
            default: return -1;
        }
        return value > MAX_TIMEOUT_NANOS / unit ? MAX_TIMEOUT_NANOS : value * unit;
    }

    /**
     * The gRPC status for an HTTP status Balor answers with, as gRPC maps HTTP statuses that do not
     * come from a gRPC server ("HTTP to gRPC Status Code Mapping"); 504 is DEADLINE_EXCEEDED.
     */
    public static int statusFor(int httpStatus) {
        switch (httpStatus) {
            case 400: return INTERNAL;
            case 401: return UNAUTHENTICATED;
            case 403: return PERMISSION_DENIED;
            case 404: return UNIMPLEMENTED;
            case 413: case 431: return RESOURCE_EXHAUSTED;
            case 429: case 502: case 503: return UNAVAILABLE;
            case 504: return DEADLINE_EXCEEDED;
            default: return httpStatus >= 500 ? INTERNAL : UNKNOWN;
        }
    }

    /**
     * Writes a trailers-only response for {@code httpStatus} into {@code block}: one header block
     * that the caller sends with END_STREAM. {@code message} (ASCII) is percent-encoded as the
     * protocol asks. {@code block} needs about 64 octets and three times the message.
     */
    public static void trailersOnly(HpackEncoder encoder, ByteBuffer block, int httpStatus, String message) {
        encoder.startBlock(block);
        encoder.field(STATUS, 0, STATUS.length, OK, 0, OK.length, false, block);
        encoder.field(CONTENT_TYPE, 0, CONTENT_TYPE.length, APPLICATION_GRPC, 0, APPLICATION_GRPC.length, false, block);
        byte[] code = ascii(Integer.toString(statusFor(httpStatus)));
        encoder.field(GRPC_STATUS, 0, GRPC_STATUS.length, code, 0, code.length, false, block);
        byte[] encoded = percentEncode(message);
        encoder.field(GRPC_MESSAGE, 0, GRPC_MESSAGE.length, encoded, 0, encoded.length, false, block);
    }

    /** The protocol's percent-encoding: printable ASCII but '%' as is, every other octet as %XX. */
    static byte[] percentEncode(String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(utf8.length * 3);
        for (byte c : utf8) {
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                out.put(c);
            } else {
                out.put((byte) '%').put(HEX[(c >> 4) & 0xf]).put(HEX[c & 0xf]);
            }
        }
        byte[] result = new byte[out.position()];
        out.flip().get(result);
        return result;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
