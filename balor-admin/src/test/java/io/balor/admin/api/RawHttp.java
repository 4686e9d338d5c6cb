package io.balor.admin.api;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request written byte for byte on a plain socket, for what {@code java.net.http}
 * would not send as it is: request targets such as {@code ../}, {@code %2e%2e} or {@code %00},
 * and a head that announces a body it never sends; and from a chosen loopback address. The answer
 * is read by its framing (chunked, or {@code Content-Length}), not to the end of the connection (a
 * server still waiting for the announced body would not close it).
 */
final class RawHttp {

    /** The status, headers (lower-case names) and body of an answer. */
    record Answer(int status, String body, java.util.Map<String, String> headers) {
        Answer(int status, String body) {
            this(status, body, java.util.Map.of());
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    static Answer get(AdminFixture admin, String target, String token) throws Exception {
        return request(admin, "GET", target, token);
    }

    /** {@code method target} without a body, with {@code token} (null: none). */
    static Answer request(AdminFixture admin, String method, String target, String token) throws Exception {
        return send(admin, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    /** Sends {@code request} (head and whatever body) as it is and reads one answer. */
    static Answer send(AdminFixture admin, String request) throws Exception {
        return send(admin, null, request);
    }

    /** A JSON {@code POST} of {@code body} to {@code path} from the local address {@code from} (a loopback address). */
    static Answer post(AdminFixture admin, String from, String path, String body) throws Exception {
        return send(admin, from, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    }

    /** {@link #send(AdminFixture, String)} from the local address {@code from} (null: any). */
    static Answer send(AdminFixture admin, String from, String request) throws Exception {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", admin.server.address().getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the connection ended in the answer's head: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP answer: " + text);
            }
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            int status = Integer.parseInt(text.substring(9, 12));
            byte[] body = io.balor.admin.http.ResponseBodies.read(in, status, request.startsWith("HEAD "),
                    headers.get("content-length"), headers.get("transfer-encoding"));
            return new Answer(status, new String(body, StandardCharsets.UTF_8), headers);
        }
    }
}
