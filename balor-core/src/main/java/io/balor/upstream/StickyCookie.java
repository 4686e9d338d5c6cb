package io.balor.upstream;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Cookie-based stickiness for one pool: names each upstream with an opaque cookie value, finds
 * the upstream a request's {@code Cookie} field names, and holds the {@code Set-Cookie} values
 * that pin a client to an upstream. Compiled with the snapshot; immutable, shared by every loop;
 * lookups allocate nothing.
 *
 * <p>The value is the first 8 bytes of SHA-256 over the upstream's {@link Upstream#id() id}, as 16
 * lower-case hex digits: stable across restarts and across config edits that keep the id, and it
 * does not reveal the upstream's address. The cookie is a session cookie ({@code Path=/; HttpOnly;
 * SameSite=Lax}, plus {@code Secure} on TLS listeners), like HAProxy's {@code cookie ... insert}.
 * A name starting with {@code __Host-} or {@code __Secure-} works only on TLS listeners, since
 * browsers drop such cookies without {@code Secure}.
 *
 * <p>{@link #find} says which upstream a cookie names, nothing more: the caller checks that it is
 * still eligible and healthy, and otherwise picks with the pool's balancer and sets a new cookie.
 */
public final class StickyCookie {

    /** The cookie name when the config names none. */
    public static final String DEFAULT_NAME = "BALOR_STICKY";
    /** Length of a cookie value: 16 hex digits. */
    public static final int VALUE_LENGTH = 16;

    private final Pool pool;
    private final String name;
    /** Cookie values as numbers, ascending; {@code owners[i]} is the upstream of {@code values[i]}. */
    private final long[] values;
    private final Upstream[] owners;
    /** By {@link Upstream#index()}. */
    private final String[] setCookie;
    private final String[] setCookieSecure;

    /** @throws IllegalArgumentException if {@code name} is not a valid cookie name */
    public StickyCookie(Pool pool, String name) {
        String problem = cookieNameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("sticky cookie name " + problem);
        }
        this.pool = pool;
        this.name = name;
        int size = pool.size();
        this.values = new long[size];
        this.owners = new Upstream[size];
        this.setCookie = new String[size];
        this.setCookieSecure = new String[size];
        long[][] byValue = new long[size][];
        for (int i = 0; i < size; i++) {
            Upstream upstream = pool.get(i);
            String value = valueOf(upstream.id());
            byValue[i] = new long[] {Long.parseUnsignedLong(value, 16), i};
            setCookie[i] = name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax";
            setCookieSecure[i] = setCookie[i] + "; Secure";
        }
        Arrays.sort(byValue, (a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < size; i++) {
            if (i > 0 && byValue[i][0] == byValue[i - 1][0]) {
                throw new IllegalArgumentException("two upstreams with the same sticky cookie value: "
                        + pool.get((int) byValue[i][1]).id() + ", " + pool.get((int) byValue[i - 1][1]).id());
            }
            values[i] = byValue[i][0];
            owners[i] = pool.get((int) byValue[i][1]);
        }
    }

    /** The cookie value naming an upstream id: 16 lower-case hex digits of SHA-256(id). */
    public static String valueOf(String upstreamId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(upstreamId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        StringBuilder hex = new StringBuilder(VALUE_LENGTH);
        for (int i = 0; i < VALUE_LENGTH / 2; i++) {
            hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
        }
        return hex.toString();
    }

    /** What is wrong with a cookie name (a token, RFC 6265 §4.1.1), or null if it is valid. */
    public static String cookieNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7f || !Ascii.isTchar(c)) {
                return "'" + name + "' may hold only token characters (letters, digits and !#$%&'*+-.^_`|~)";
            }
        }
        return null;
    }

    public Pool pool() {
        return pool;
    }

    public String name() {
        return name;
    }

    /**
     * The upstream named by this cookie in a {@code Cookie} field value ({@code a=b; NAME=v; c=d},
     * RFC 6265 §4.2.1, read leniently as §5.4 browsers send it: spaces and tabs around pairs,
     * names and values are skipped, a value may be in double quotes, a pair without {@code =} is
     * ignored). Names compare case-sensitively. If the name occurs more than once (cookies of
     * different paths or domains), the first value that names an upstream of this pool wins.
     *
     * @return the upstream, or null if the cookie is absent, empty, malformed or names no
     *         upstream of this pool (stale, or set by another pool)
     */
    public Upstream find(ByteBuffer buffer, int valueStart, int valueEnd) {
        int i = valueStart;
        while (i < valueEnd) {
            byte b = buffer.get(i);
            if (b == ' ' || b == '\t' || b == ';') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < valueEnd && buffer.get(i) != '=' && buffer.get(i) != ';') {
                i++;
            }
            if (i == valueEnd || buffer.get(i) == ';') {
                continue;   // no '=': not a cookie-pair
            }
            int nameEnd = trimEnd(buffer, nameStart, i);
            int start = ++i;
            while (i < valueEnd && buffer.get(i) != ';') {
                i++;
            }
            if (nameMatches(buffer, nameStart, nameEnd)) {
                Upstream upstream = lookup(buffer, start, i);
                if (upstream != null) {
                    return upstream;
                }
            }
        }
        return null;
    }

    /**
     * The {@code Set-Cookie} field value that pins a client to {@code upstream}, built at compile
     * time: {@code NAME=v; Path=/; HttpOnly; SameSite=Lax}, with {@code ; Secure} if {@code secure}.
     *
     * @throws IllegalArgumentException if {@code upstream} is not in this pool (a caller bug)
     */
    public String setCookieValue(Upstream upstream, boolean secure) {
        int index = upstream.index();
        if (index < 0 || index >= pool.size() || !pool.get(index).id().equals(upstream.id())) {
            throw new IllegalArgumentException(upstream.id() + " is not in pool " + pool.name());
        }
        return secure ? setCookieSecure[index] : setCookie[index];
    }

    private boolean nameMatches(ByteBuffer buffer, int start, int end) {
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (buffer.get(start + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private Upstream lookup(ByteBuffer buffer, int start, int end) {
        while (start < end && isSpace(buffer.get(start))) {
            start++;
        }
        end = trimEnd(buffer, start, end);
        if (end - start >= 2 && buffer.get(start) == '"' && buffer.get(end - 1) == '"') {
            start++;
            end--;
        }
        if (end - start != VALUE_LENGTH) {
            return null;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = Character.digit(buffer.get(i), 16);
            if (digit < 0) {
                return null;
            }
            value = value << 4 | digit;
        }
        int found = Arrays.binarySearch(values, value);
        return found >= 0 ? owners[found] : null;
    }

    private static int trimEnd(ByteBuffer buffer, int start, int end) {
        while (end > start && isSpace(buffer.get(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
