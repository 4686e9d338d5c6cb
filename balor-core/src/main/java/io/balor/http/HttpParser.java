package io.balor.http;

import io.balor.buffer.Ascii;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A strict, resumable parser for HTTP/1.1 request and response heads (RFC 9112, with the
 * intermediary rules of RFC 9110), working on the bytes of a buffer: offsets, ASCII
 * comparisons, no strings, no allocation. One instance per session side, owned by its loop.
 *
 * <h2>How it reads</h2>
 * The head must stay in the buffer, starting where the first call said, until it is complete.
 * Each call scans only the bytes it has not seen, checking line endings as it goes (a bare CR or
 * LF is refused at once, as are a control character other than HTAB and a head past its size
 * limit; eight octets at a time where none of them needs a look), and stops at the blank line
 * that ends the head. Only then are the lines parsed, in one pass, into an {@link HttpHead}. So the result
 * is the same however the bytes were split across calls.
 *
 * <h2>What it refuses</h2>
 * With the status to answer, and a reason for the log: 400 for any syntax error (bad method
 * token, request target, version syntax, field name, whitespace before a colon, obs-fold, CTLs
 * or NUL in a value, bare CR or LF), a missing or repeated {@code Host} in HTTP/1.1, a Host or
 * absolute-form authority that is not a plain host name or IP literal with an optional port
 * ({@link HostField}: no {@code ; , %} or other sub-delims), a malformed or conflicting
 * {@code Content-Length}, {@code Content-Length} together with
 * {@code Transfer-Encoding}, {@code Transfer-Encoding} in HTTP/1.0 or repeated; 501 for a
 * transfer coding other than exactly {@code chunked} and for {@code CONNECT}; 505 for a version
 * other than 1.0 and 1.1; 414 for a request line past {@link HttpLimits#maxRequestLine()}; 431
 * for a head past {@link HttpLimits#maxHead()} or with too many fields; 417 for an
 * {@code Expect} other than {@code 100-continue}; 400 for an OPTIONS request whose
 * {@code Max-Forwards} is not {@code 1*DIGIT} or is repeated. A session maps a refused
 * response to 502.
 */
public final class HttpParser {

    /** More bytes are needed. */
    public static final int INCOMPLETE = 0;
    /** The head is complete and valid: see the {@link HttpHead}. */
    public static final int COMPLETE = 1;
    /** The head is refused: see {@link #errorStatus()} and {@link #error()}. */
    public static final int INVALID = 2;

    private static final int MAX_LEADING_BLANK_LINES = 4;
    private static final VarHandle OCTETS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Octets copied into {@link #text} at a time as the scan reaches them. */
    private static final int LOAD = 512;

    private final HttpLimits limits;
    private final boolean request;
    private boolean started;
    private int start;
    private int scanned;
    private int lineStart;
    private int firstLineEnd;
    private int lines;
    private int blankLines;
    private int errorStatus;
    private String error;
    /**
     * The head's octets read so far, copied from the buffer once as they arrive ({@code text[i - base]}
     * is {@code buffer.get(i)}): read octet by octet, an array costs less than a direct buffer. It
     * grows to the largest head this parser met (its first 1 KiB at its first head), then stays.
     */
    private byte[] text = new byte[0];
    private int base;
    private int loaded;
    /** Where each field line's CR is, as the scan finds them: {@code lineEnds[k]} for the k-th field line. */
    private final int[] lineEnds;

    private HttpParser(HttpLimits limits, boolean request) {
        this.limits = limits;
        this.request = request;
        lineEnds = new int[limits.maxFields() + 1];
    }

    public static HttpParser requests(HttpLimits limits) {
        return new HttpParser(limits, true);
    }

    public static HttpParser responses(HttpLimits limits) {
        return new HttpParser(limits, false);
    }

    /** Forgets the last head; the next call starts a new one. */
    public void reset() {
        started = false;
        lines = 0;
        blankLines = 0;
        errorStatus = 0;
        error = null;
    }

    /** The status to answer a refused head with (400, 414, 417, 431, 501, 505). */
    public int errorStatus() {
        return errorStatus;
    }

    /** Why the head was refused, for the log; a constant, so refusing allocates nothing. */
    public String error() {
        return error;
    }

    /**
     * Reads {@code buffer[start, limit)}, where {@code start} is the head's first byte (the same
     * on every call for one head) and {@code limit} the end of what has arrived.
     *
     * @return {@link #INCOMPLETE}, {@link #COMPLETE} (then {@code head} holds the message) or
     *         {@link #INVALID}
     */
    public int parse(ByteBuffer buffer, int start, int limit, HttpHead head) {
        if (!started) {
            started = true;
            this.start = start;
            scanned = start;
            lineStart = start;
            base = start;
            loaded = start;
        }
        // Bytes past the head's size limit are never scanned: reaching that point refuses it.
        int stop = (int) Math.min(limit, (long) this.start + limits.maxHead());
        int loadable = (int) Math.min(limit, (long) base + MAX_LEADING_BLANK_LINES * 2 + limits.maxHead());
        byte previous = scanned > lineStart ? at(scanned - 1) : 0;
        int i = scanned;
        while (i < stop) {
            if (i == loaded) {
                load(buffer, (int) Math.min(loadable, (long) i + LOAD));   // a piece at a time: a body behind stays unread
            }
            if (i + 8 <= loaded && i + 8 <= stop && previous != '\r') {
                long special = special((long) OCTETS.get(text, i - base));
                if (special == 0) {
                    previous = at(i + 7);   // eight ordinary octets at once: most of a head
                    i += 8;
                    continue;
                }
                int ordinary = Long.numberOfTrailingZeros(special) >>> 3;   // those before the first to look at
                if (ordinary > 0) {
                    i += ordinary;
                    previous = at(i - 1);
                }
            }
            byte b = at(i);
            if (b == '\n') {
                if (previous != '\r' || i == lineStart) {
                    return fail(400, "bare LF");
                }
                if (i - 1 == lineStart) {
                    if (lines == 0) {
                        // RFC 9112 §2.2: ignore a few empty lines before a request line.
                        if (!request || ++blankLines > MAX_LEADING_BLANK_LINES) {
                            return fail(request ? 400 : 502, "empty line before the start line");
                        }
                        this.start = i + 1;
                        lineStart = i + 1;
                        stop = (int) Math.min(limit, (long) this.start + limits.maxHead());
                        previous = b;
                        i++;
                        continue;
                    }
                    scanned = i + 1;
                    return parseHead(buffer, i + 1, head);
                }
                if (lines == 0) {
                    if (request && i + 1 - lineStart > limits.maxRequestLine()) {
                        return fail(414, "request line too long");
                    }
                    firstLineEnd = i - 1;
                } else {
                    lineEnds[lines - 1] = i - 1;
                }
                lines++;
                if (lines > limits.maxFields() + 1) {
                    return fail(431, "too many header fields");
                }
                lineStart = i + 1;
            } else if (previous == '\r' && i > lineStart) {
                return fail(400, "bare CR");
            } else if (b >= 0 && b < 0x20 && b != '\t' && b != '\r' || b == 0x7f) {   // obs-text (negative) is fine
                // RFC 9110 §5.5: no CTL but HTAB anywhere in a head (a start line allows fewer still)
                return fail(400, "control character in the head");
            }
            previous = b;
            i++;
        }
        if (stop < limit || limit - this.start >= limits.maxHead()) {
            return lines == 0 && request ? fail(414, "request line too long") : fail(431, "head too large");
        }
        if (lines == 0 && request && limit - lineStart > limits.maxRequestLine()) {
            return fail(414, "request line too long");
        }
        scanned = limit;
        return INCOMPLETE;
    }

    private int parseHead(ByteBuffer buffer, int end, HttpHead head) {
        head.reset();
        head.buffer = buffer;
        head.text = text;
        head.textBase = base;
        head.headStart = start;
        head.headEnd = end;
        int verdict = request ? requestLine(buffer, head) : statusLine(buffer, head);
        if (verdict != COMPLETE) {
            return verdict;
        }
        int line = firstLineEnd + 2;
        for (int k = 0; k < lines - 1; k++) {
            int lineEnd = lineEnds[k];
            verdict = field(buffer, line, lineEnd, head);
            if (verdict != COMPLETE) {
                return verdict;
            }
            line = lineEnd + 2;
        }
        return framing(head);
    }

    /** {@code method SP request-target SP HTTP-version} (RFC 9112 §3). */
    private int requestLine(ByteBuffer buffer, HttpHead head) {
        int i = start;
        while (i < firstLineEnd && Ascii.isTchar(at(i))) {
            i++;
        }
        if (i == start || i == firstLineEnd || at(i) != ' ') {
            return fail(400, "invalid method");
        }
        head.methodStart = start;
        head.methodEnd = i;
        head.method = Method.of(buffer, start, i);
        int target = ++i;
        while (i < firstLineEnd && at(i) != ' ') {
            int b = at(i) & 0xff;
            if (b < 0x21 || b > 0x7e || b == '#') {
                return fail(400, "invalid request target");
            }
            i++;
        }
        if (i == target || i == firstLineEnd) {
            return fail(400, "invalid request line");
        }
        head.targetStart = target;
        head.targetEnd = i;
        int verdict = version(buffer, i + 1, firstLineEnd, head);
        if (verdict != COMPLETE) {
            return verdict;
        }
        return targetForm(buffer, head);
    }

    /** origin-form, absolute-form (http/https), or {@code *} for OPTIONS (RFC 9112 §3.2). */
    private int targetForm(ByteBuffer buffer, HttpHead head) {
        int t = head.targetStart;
        byte first = at(t);
        if (head.method == Method.CONNECT) {
            return fail(501, "CONNECT is not supported");
        }
        if (first == '/') {
            return COMPLETE;
        }
        if (first == '*') {
            return head.targetEnd - t == 1 && head.method == Method.OPTIONS ? COMPLETE : fail(400, "invalid request target");
        }
        int authority;
        if (startsWithIgnoreCase(buffer, t, head.targetEnd, "http://")) {
            authority = t + 7;
        } else if (startsWithIgnoreCase(buffer, t, head.targetEnd, "https://")) {
            authority = t + 8;
        } else {
            return fail(400, "invalid request target");
        }
        int end = authority;
        while (end < head.targetEnd && at(end) != '/' && at(end) != '?') {
            end++;
        }
        if (end == authority || !HostField.valid(buffer, authority, end)) {
            return fail(400, "invalid authority in request target");
        }
        head.authorityStart = authority;
        head.authorityEnd = end;
        return COMPLETE;
    }

    /** {@code HTTP-version SP status-code SP [reason-phrase]} (RFC 9112 §4). */
    private int statusLine(ByteBuffer buffer, HttpHead head) {
        int i = start + 8;
        if (firstLineEnd < i + 4 || at(i) != ' ') {
            return fail(502, "invalid status line");
        }
        int verdict = version(buffer, start, i, head);
        if (verdict != COMPLETE) {
            return fail(502, "invalid status line version");
        }
        int d1 = at(i + 1);
        int d2 = at(i + 2);
        int d3 = at(i + 3);
        if (d1 < '1' || d1 > '5' || !Ascii.isDigit(d2) || !Ascii.isDigit(d3)) {
            return fail(502, "invalid status code");
        }
        head.status = (d1 - '0') * 100 + (d2 - '0') * 10 + (d3 - '0');
        int reason = i + 4;
        if (reason < firstLineEnd && at(reason) != ' ') {
            return fail(502, "invalid status line");
        }
        reason = Math.min(reason + 1, firstLineEnd);   // SP, HTAB, VCHAR, obs-text: the scan refused any other
        head.reasonStart = reason;
        head.reasonEnd = firstLineEnd;
        return COMPLETE;
    }

    /** {@code HTTP/1.0} or {@code HTTP/1.1} exactly in {@code [from, to)}. */
    private int version(ByteBuffer buffer, int from, int to, HttpHead head) {
        if (to - from != 8 || at(from) != 'H' || at(from + 1) != 'T' || at(from + 2) != 'T'
                || at(from + 3) != 'P' || at(from + 4) != '/' || at(from + 6) != '.'
                || !Ascii.isDigit(at(from + 5)) || !Ascii.isDigit(at(from + 7))) {
            return fail(400, "invalid HTTP version");
        }
        int major = at(from + 5) - '0';
        int minor = at(from + 7) - '0';
        if (major != 1 || minor > 1) {
            return fail(505, "HTTP version not supported");
        }
        head.version = 10 + minor;
        return COMPLETE;
    }

    /** {@code field-name ":" OWS field-value OWS} (RFC 9112 §5), then what Balor must know of it. */
    private int field(ByteBuffer buffer, int line, int lineEnd, HttpHead head) {
        byte first = at(line);
        if (first == ' ' || first == '\t') {
            return fail(400, "obsolete line folding");
        }
        int colon = line;
        while (colon < lineEnd && Ascii.isTchar(at(colon))) {
            colon++;
        }
        if (colon == lineEnd || at(colon) != ':') {
            byte b = colon < lineEnd ? at(colon) : 0;
            return fail(400, b == ' ' || b == '\t' ? "whitespace before colon" : "invalid field name");
        }
        if (colon == line) {
            return fail(400, "empty field name");
        }
        int value = colon + 1;
        while (value < lineEnd && (at(value) == ' ' || at(value) == '\t')) {
            value++;
        }
        int valueEnd = lineEnd;
        while (valueEnd > value && (at(valueEnd - 1) == ' ' || at(valueEnd - 1) == '\t')) {
            valueEnd--;
        }
        // its octets are field-vchar, SP or HTAB: the scan refused any other
        int index = head.fieldCount;
        if (index == limits.maxFields()) {
            return fail(431, "too many header fields");
        }
        if (index == head.nameStart.length) {
            head.grow(limits.maxFields());
        }
        head.nameStart[index] = line;
        head.nameEnd[index] = colon;
        head.valueStart[index] = value;
        head.valueEnd[index] = valueEnd;
        head.fieldCount++;
        return FieldRules.apply(this, buffer, index, head);
    }

    private int framing(HttpHead head) {
        if (head.chunked && head.contentLength != HttpHead.NO_LENGTH) {
            return fail(400, "both Content-Length and Transfer-Encoding");
        }
        if (head.chunked && head.version == 10) {
            return fail(400, "Transfer-Encoding in HTTP/1.0");
        }
        if (request && head.version == 11 && head.hostField < 0) {
            return fail(400, "missing Host");
        }
        if (request) {
            hostName(head);
        }
        return COMPLETE;
    }

    /** Finds the request's host name once, for everyone who reads it ({@link HttpHead#hostStart()}). */
    private static void hostName(HttpHead head) {
        int from = head.absoluteForm() ? head.authorityStart
                : head.hostField >= 0 ? head.valueStart[head.hostField] : 0;
        int to = head.absoluteForm() ? head.authorityEnd
                : head.hostField >= 0 ? head.valueEnd[head.hostField] : 0;
        long range = HostField.range(head.buffer, from, to);
        head.hostStart = HostField.start(range);
        head.hostEnd = HostField.end(range);
    }

    /** Copies {@code buffer[loaded, to)} behind what {@link #text} holds, growing it when it must. */
    private void load(ByteBuffer buffer, int to) {
        if (to <= loaded) {
            return;
        }
        if (to - base > text.length) {
            text = java.util.Arrays.copyOf(text, Math.max(to - base, Math.max(1024, 2 * text.length)));
        }
        buffer.get(loaded, text, loaded - base, to - loaded);
        loaded = to;
    }

    private byte at(int i) {
        return text[i - base];
    }

    /**
     * Which of the eight octets of {@code word} (little-endian: the first is the low byte) may be a
     * CTL (below 0x20: CR, LF, HTAB among them) or DEL, which the scan must look at one by one:
     * the high bit of each such octet is set, 0 when there is none. The lowest bit set is exact
     * (a borrow can only mark octets after a true one), whatever the other octets are: the bit
     * tricks of "Bit Twiddling Hacks" (a byte less than n, a byte equal to zero).
     */
    private static long special(long word) {
        long below = (word - 0x2020202020202020L) & ~word & HIGH_BITS;
        long x = word ^ 0x7f7f7f7f7f7f7f7fL;
        long del = (x - 0x0101010101010101L) & ~x & HIGH_BITS;
        return below | del;
    }

    int fail(int status, String reason) {
        errorStatus = request || status == 502 ? status : 502;
        error = reason;
        return INVALID;
    }

    private static boolean startsWithIgnoreCase(ByteBuffer buffer, int start, int end, String lowerCasePrefix) {
        return end - start >= lowerCasePrefix.length()
                && Ascii.equalsIgnoreCase(buffer, start, start + lowerCasePrefix.length(), lowerCasePrefix);
    }
}
