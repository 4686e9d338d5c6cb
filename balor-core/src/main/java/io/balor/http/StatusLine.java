package io.balor.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The status lines of the responses Balor makes itself ({@code HTTP/1.1 429 Too Many
 * Requests\r\n}), with the reason phrases of the IANA HTTP Status Code Registry (RFC 9110 §15,
 * and 102, 103, 207, 208, 226, 423, 424, 425, 428, 429, 431, 451, 506, 507, 508, 510, 511 from
 * the RFCs that registered them). Every line from 100 to 599 is made once, when the class loads,
 * so writing one copies bytes and allocates nothing; a code the registry does not name gets an
 * empty phrase ({@code HTTP/1.1 599 \r\n}, still the RFC 9112 §4 syntax). A response relayed from
 * an upstream keeps the upstream's own phrase, as sent ({@link HeadWriter}, as HAProxy does).
 * Immutable; any thread.
 */
public final class StatusLine {

    private static final int FIRST = 100;
    private static final int LAST = 599;
    private static final byte[][] LINES = new byte[LAST - FIRST + 1][];

    static {
        for (int status = FIRST; status <= LAST; status++) {
            String reason = reason(status);
            LINES[status - FIRST] = ("HTTP/1.1 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private StatusLine() {
    }

    /** Bytes of {@code status}'s line, CRLF included. */
    public static int length(int status) {
        return line(status).length;
    }

    /** Puts {@code status}'s line, CRLF included, at {@code out}'s position (which must have room). */
    public static void write(ByteBuffer out, int status) {
        out.put(line(status));
    }

    private static byte[] line(int status) {
        if (status < FIRST || status > LAST) {
            throw new IllegalArgumentException("not a status code: " + status);
        }
        return LINES[status - FIRST];
    }

    /** The registered reason phrase of {@code status}, or "" if the registry names none. */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 102 -> "Processing";
            case 103 -> "Early Hints";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 205 -> "Reset Content";
            case 206 -> "Partial Content";
            case 207 -> "Multi-Status";
            case 208 -> "Already Reported";
            case 226 -> "IM Used";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 305 -> "Use Proxy";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 423 -> "Locked";
            case 424 -> "Failed Dependency";
            case 425 -> "Too Early";
            case 426 -> "Upgrade Required";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 451 -> "Unavailable For Legal Reasons";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 506 -> "Variant Also Negotiates";
            case 507 -> "Insufficient Storage";
            case 508 -> "Loop Detected";
            case 510 -> "Not Extended";
            case 511 -> "Network Authentication Required";
            default -> "";
        };
    }
}
