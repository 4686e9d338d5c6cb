package io.balor.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The responses Balor makes itself: a status, a short plain-text body naming the request id, and
 * {@code Connection: close} (after an error Balor does not trust the rest of the connection).
 * Built on the error path only, so they may allocate.
 */
final class ErrorResponse {

    private ErrorResponse() {
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /**
     * Writes the response into {@code out} (at its position; dropped if it does not fit).
     *
     * @param retryAfterSeconds adds {@code Retry-After} when positive (503, 429)
     */
    static void write(ByteBuffer out, int status, long requestId, int retryAfterSeconds) {
        String body = status + " " + reason(status) + "\nrequest id: " + Long.toHexString(requestId) + "\n";
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(body.length()).append("\r\n")
                .append("Connection: close\r\n");
        if (status == 426) {
            head.append("Sec-WebSocket-Version: 13\r\n");   // RFC 6455 §4.4
        }
        if (retryAfterSeconds > 0) {
            head.append("Retry-After: ").append(retryAfterSeconds).append("\r\n");
        }
        byte[] bytes = head.append("\r\n").append(body).toString().getBytes(StandardCharsets.US_ASCII);
        if (bytes.length <= out.remaining()) {
            out.put(bytes);
        }
    }
}
