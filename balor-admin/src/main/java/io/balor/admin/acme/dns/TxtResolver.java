package io.balor.admin.acme.dns;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal DNS client that asks one server for the TXT records of a name (RFC 1035 §4: one
 * question, recursion desired, over UDP; again over TCP with a two-byte length prefix, §4.2.2,
 * when the UDP answer is truncated). Immutable; any thread: each {@link #lookup} uses its own
 * socket, and waits at most the timeout per transport.
 *
 * <p>Parsing is strict about what it relies on: the answer must carry the query's id, be a
 * response, and hold well-formed names (compression pointers only backwards, §4.1.4) and records
 * within the message; anything else is an {@link IOException}. Datagrams with another id are
 * skipped (they answer an earlier query). Every TXT record of class IN in the answer section
 * counts, whatever its owner name, so that a CNAME the server followed is honoured; a record's
 * character-strings are joined into one value (as RFC 7208 §3.3 does).
 */
public final class TxtResolver {

    static final int TYPE_TXT = 16;
    static final int CLASS_IN = 1;
    private static final int MAX_UDP = 4096;

    private final InetSocketAddress server;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param server  the DNS server ({@code 127.0.0.1:8053}); an unresolved address is resolved per lookup
     * @param timeout how long one query waits for its answer, per transport
     */
    public TxtResolver(InetSocketAddress server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** The server asked. */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * The TXT values of {@code fqdn} ({@code _acme-challenge.www.example.com.}, the trailing dot
     * optional); empty when the name does not exist or has none.
     *
     * @throws IOException when the server does not answer in time, answers with an error other
     *                     than NXDOMAIN, or sends something that is not a DNS answer
     */
    public List<String> lookup(String fqdn) throws IOException {
        InetSocketAddress target = server.isUnresolved()
                ? new InetSocketAddress(server.getHostString(), server.getPort()) : server;
        int id = random.nextInt(1 << 16);
        byte[] query = query(id, fqdn);
        byte[] answer = overUdp(target, id, query);
        if ((answer[2] & 0x02) != 0) {          // TC: the whole answer only fits over TCP
            answer = overTcp(target, query);
        }
        return parse(answer, id, fqdn);
    }

    /** The query message for TXT {@code fqdn} with {@code id}. */
    static byte[] query(int id, String fqdn) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id >> 8);
        out.write(id);
        out.write(0x01);                        // QR=0, opcode QUERY, RD=1
        out.write(0x00);
        out.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});   // QDCOUNT=1, no other sections
        String name = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
        if (name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("not a domain name: '" + fqdn + "'");
        }
        for (String label : IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).split("\\.", -1)) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length == 0 || bytes.length > 63) {
                throw new IllegalArgumentException("not a domain name: '" + fqdn + "'");
            }
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        out.write(0);
        out.writeBytes(new byte[] {0, TYPE_TXT, 0, CLASS_IN});
        return out.toByteArray();
    }

    /** The TXT values in {@code message}, the answer to query {@code id} for {@code fqdn}. */
    static List<String> parse(byte[] message, int id, String fqdn) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(message);
        try {
            if (in.getShort(0) != (short) id || (message[2] & 0x80) == 0) {
                throw new IOException("DNS: not the answer to this query");
            }
            int rcode = message[3] & 0x0f;
            if (rcode == 3) {
                return List.of();               // NXDOMAIN: no such name (yet)
            }
            if (rcode != 0) {
                throw new IOException("DNS: the server answered " + rcodeName(rcode) + " for TXT " + fqdn);
            }
            int questions = in.getShort(4) & 0xffff;
            int answers = in.getShort(6) & 0xffff;
            in.position(12);
            for (int i = 0; i < questions; i++) {
                skipName(in);
                in.position(in.position() + 4);
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < answers; i++) {
                skipName(in);
                int type = in.getShort() & 0xffff;
                int klass = in.getShort() & 0xffff;
                in.getInt();                    // TTL
                int length = in.getShort() & 0xffff;
                int end = in.position() + length;
                if (end > message.length) {
                    throw new IOException("DNS: a record runs past the end of the answer");
                }
                if (type == TYPE_TXT && klass == CLASS_IN) {
                    values.add(txt(message, in.position(), end));
                }
                in.position(end);
            }
            return values;
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new IOException("DNS: a truncated or malformed answer for TXT " + fqdn);
        }
    }

    /** Moves past a name at {@code in}'s position: labels, ending with a zero or a pointer (§4.1.4). */
    private static void skipName(ByteBuffer in) throws IOException {
        for (int labels = 0; labels < 128; labels++) {
            int length = in.get() & 0xff;
            if (length == 0) {
                return;
            }
            if ((length & 0xc0) == 0xc0) {
                int pointer = ((length & 0x3f) << 8) | (in.get() & 0xff);
                if (pointer >= in.position() - 2) {
                    throw new IOException("DNS: a compression pointer that does not point backwards");
                }
                return;
            }
            if ((length & 0xc0) != 0) {
                throw new IOException("DNS: an unknown label type");
            }
            in.position(in.position() + length);
        }
        throw new IOException("DNS: a name with too many labels");
    }

    /** One TXT record's data, its character-strings joined. */
    private static String txt(byte[] message, int start, int end) throws IOException {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (int at = start; at < end; ) {
            int length = message[at] & 0xff;
            if (at + 1 + length > end) {
                throw new IOException("DNS: a TXT string runs past its record");
            }
            value.write(message, at + 1, length);
            at += 1 + length;
        }
        return value.toString(StandardCharsets.UTF_8);
    }

    private byte[] overUdp(InetSocketAddress target, int id, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target);             // only the server's datagrams are received
            socket.send(new DatagramPacket(query, query.length));
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buffer = new byte[MAX_UDP];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("DNS: no answer from " + target + " within " + timeout);
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    throw new SocketTimeoutException("DNS: no answer from " + target + " within " + timeout);
                }
                if (packet.getLength() >= 12 && ((buffer[0] & 0xff) << 8 | (buffer[1] & 0xff)) == id) {
                    byte[] answer = new byte[packet.getLength()];
                    System.arraycopy(buffer, 0, answer, 0, answer.length);
                    return answer;
                }
            }
        }
    }

    private byte[] overTcp(InetSocketAddress target, byte[] query) throws IOException {
        try (Socket socket = new Socket()) {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(target, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {(byte) (query.length >> 8), (byte) query.length});
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            if (length < 12) {
                throw new EOFException("DNS: a TCP answer of " + length + " bytes");
            }
            byte[] answer = new byte[length];
            in.readFully(answer);
            return answer;
        }
    }

    private static String rcodeName(int rcode) {
        return switch (rcode) {
            case 1 -> "FORMERR";
            case 2 -> "SERVFAIL";
            case 4 -> "NOTIMP";
            case 5 -> "REFUSED";
            default -> "RCODE " + rcode;
        };
    }
}
