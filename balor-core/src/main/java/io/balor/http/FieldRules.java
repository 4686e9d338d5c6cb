package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;

/**
 * What the parser must know of the fields that decide framing and forwarding: {@code Host},
 * {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Expect},
 * {@code Upgrade}, {@code TE} and (on OPTIONS) {@code Max-Forwards}. Each rule reads the field
 * in place and records its facts in the {@link HttpHead}, or refuses the head through the
 * parser. Stateless.
 */
final class FieldRules {

    /** 10^18: Content-Length values with more digits are refused before they could overflow. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private FieldRules() {
    }

    static int apply(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        int nameLength = head.nameEnd[field] - head.nameStart[field];
        switch (nameLength) {
            case 2:
                if (head.nameIs(field, "te")) {
                    head.teTrailers |= Ascii.listContains(buffer, head.valueStart[field], head.valueEnd[field], "trailers");
                }
                return HttpParser.COMPLETE;
            case 4:
                return head.nameIs(field, "host") ? host(parser, buffer, field, head) : HttpParser.COMPLETE;
            case 6:
                return head.nameIs(field, "expect") ? expect(parser, buffer, field, head) : HttpParser.COMPLETE;
            case 7:
                if (head.nameIs(field, "upgrade")) {
                    head.upgradeField = field;
                }
                return HttpParser.COMPLETE;
            case 10:
                return head.nameIs(field, "connection") ? connection(buffer, field, head) : HttpParser.COMPLETE;
            case 12:
                return head.nameIs(field, "max-forwards") ? maxForwards(parser, buffer, field, head)
                        : HttpParser.COMPLETE;
            case 14:
                return head.nameIs(field, "content-length") ? contentLength(parser, buffer, field, head)
                        : HttpParser.COMPLETE;
            case 17:
                return head.nameIs(field, "transfer-encoding") ? transferEncoding(parser, buffer, field, head)
                        : HttpParser.COMPLETE;
            default:
                return HttpParser.COMPLETE;
        }
    }

    private static int host(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        if (head.hostField >= 0) {
            return parser.fail(400, "more than one Host");
        }
        if (!HostField.valid(buffer, head.valueStart[field], head.valueEnd[field])) {
            return parser.fail(400, "invalid Host");
        }
        head.hostField = field;
        return HttpParser.COMPLETE;
    }

    /**
     * RFC 9110 §7.6.2: on OPTIONS (the one method Balor forwards that it applies to; TRACE is
     * refused) {@code Max-Forwards} is {@code 1*DIGIT}, once: anything else is refused, since
     * Balor must either answer the request or forward it with the value less one, and an
     * intermediary further on might read {@code 1, 0} or {@code +1} otherwise. On other
     * methods the field is not read (the RFC lets a recipient ignore it) and goes on as it came.
     */
    private static int maxForwards(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        if (head.method != Method.OPTIONS) {
            return HttpParser.COMPLETE;
        }
        if (head.maxForwardsField >= 0) {
            return parser.fail(400, "repeated Max-Forwards");
        }
        int start = head.valueStart[field];
        int end = head.valueEnd[field];
        boolean zero = true;
        for (int i = start; i < end; i++) {
            byte b = buffer.get(i);
            if (!Ascii.isDigit(b)) {
                return parser.fail(400, "invalid Max-Forwards");
            }
            zero &= b == '0';
        }
        if (start == end) {
            return parser.fail(400, "invalid Max-Forwards");
        }
        head.maxForwardsField = field;
        head.maxForwardsZero = zero;
        return HttpParser.COMPLETE;
    }

    /** RFC 9110 §10.1.1: an HTTP/1.0 request's Expect is ignored. */
    private static int expect(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        if (head.version == 10) {
            return HttpParser.COMPLETE;
        }
        if (!Ascii.equalsIgnoreCase(buffer, head.valueStart[field], head.valueEnd[field], "100-continue")) {
            return parser.fail(417, "unsupported expectation");
        }
        head.expectContinue = true;
        return HttpParser.COMPLETE;
    }

    private static int connection(ByteBuffer buffer, int field, HttpHead head) {
        if (head.connectionField < 0) {
            head.connectionField = field;
        }
        int start = head.valueStart[field];
        int end = head.valueEnd[field];
        head.connectionClose |= Ascii.listContains(buffer, start, end, "close");
        head.connectionKeepAlive |= Ascii.listContains(buffer, start, end, "keep-alive");
        head.connectionUpgrade |= Ascii.listContains(buffer, start, end, "upgrade");
        return HttpParser.COMPLETE;
    }

    /**
     * {@code 1*DIGIT}, or a list of identical values ({@code 5, 5}), which RFC 9110 §8.6 lets a
     * recipient take as one; a sign, a space inside a number, another character, an empty
     * element, more than 18 digits, or two different values refuse the head. Repeated fields are
     * checked the same way against each other.
     */
    private static int contentLength(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        int i = head.valueStart[field];
        int end = head.valueEnd[field];
        do {
            int digits = i;
            long value = 0;
            while (i < end && Ascii.isDigit(buffer.get(i))) {
                value = value * 10 + (buffer.get(i) - '0');
                i++;
            }
            if (i == digits || i - digits > MAX_LENGTH_DIGITS) {
                return parser.fail(400, "invalid Content-Length");
            }
            if (head.contentLength != HttpHead.NO_LENGTH && head.contentLength != value) {
                return parser.fail(400, "conflicting Content-Length");
            }
            head.contentLength = value;
            while (i < end && (buffer.get(i) == ' ' || buffer.get(i) == '\t')) {
                i++;
            }
            if (i < end) {
                if (buffer.get(i) != ',') {
                    return parser.fail(400, "invalid Content-Length");
                }
                i++;
                while (i < end && (buffer.get(i) == ' ' || buffer.get(i) == '\t')) {
                    i++;
                }
                if (i == end) {
                    return parser.fail(400, "invalid Content-Length");
                }
            }
        } while (i < end);
        return HttpParser.COMPLETE;
    }

    /**
     * Exactly {@code chunked} (case-insensitive), once. Another coding, a list, or a repeated
     * field is refused: Balor does not decode codings, and anything but a lone final
     * {@code chunked} is where request smuggling hides (RFC 9112 §6.1, §6.3).
     */
    private static int transferEncoding(HttpParser parser, ByteBuffer buffer, int field, HttpHead head) {
        if (head.chunked) {
            return parser.fail(400, "repeated Transfer-Encoding");
        }
        int start = head.valueStart[field];
        int end = head.valueEnd[field];
        if (Ascii.equalsIgnoreCase(buffer, start, end, "chunked")) {
            head.chunked = true;
            return HttpParser.COMPLETE;
        }
        for (int i = start; i < end; i++) {
            byte b = buffer.get(i);
            if (!Ascii.isTchar(b) && b != ',' && b != ' ' && b != '\t') {
                return parser.fail(400, "invalid Transfer-Encoding");
            }
        }
        return start == end ? parser.fail(400, "empty Transfer-Encoding")
                : parser.fail(501, "unsupported Transfer-Encoding");
    }
}
