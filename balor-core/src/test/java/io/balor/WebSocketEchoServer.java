package io.balor;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * A WebSocket echo upstream for tests, written from RFC 6455 alone (none of Balor's code): the
 * §4.2 handshake, then every data frame echoed back unmasked, a close answered with a close.
 */
final class WebSocketEchoServer {

    private WebSocketEchoServer() {
    }

    static TestServer start() throws IOException {
        return new TestServer(WebSocketEchoServer::serve);
    }

    private static void serve(Socket socket) throws IOException {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            String key = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            if (key == null) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) != 0) {
                    in.readFully(mask);
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(b0);
                if (length < 126) {
                    frame.write((int) length);
                } else if (length < 65536) {
                    frame.write(126);
                    frame.write((int) (length >> 8));
                    frame.write((int) length);
                } else {
                    frame.write(127);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        frame.write((int) (length >> shift));
                    }
                }
                frame.write(payload);
                out.write(frame.toByteArray());
                if ((b0 & 0x0f) == 8) {
                    return;
                }
            }
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    private static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
