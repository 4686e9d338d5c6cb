package io.balor.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A consistent-hash ring over a pool (ketama, as nginx's {@code hash ... consistent}): each
 * upstream of weight {@code w} owns {@value #POINTS_PER_WEIGHT}{@code  * w} points on a 64-bit
 * circle, and a key belongs to the first point at or after its own hash, going clockwise.
 * Compiled with the snapshot; immutable, shared by every loop; {@link #find} allocates nothing.
 *
 * <p>Points depend only on the upstream's {@link Upstream#id() id} and the point's number (four
 * 64-bit points from each SHA-256 of {@code id#n}), never on the other upstreams, their order or
 * the pool size. So removing an upstream moves exactly the keys that were on it, adding one takes
 * keys only for itself, and a restart or a config edit that keeps the ids changes nothing.
 *
 * <p>Every upstream of weight above 0 is on the ring, enabled or not; a key whose owner is not
 * {@link Upstream#eligible() eligible} (or not usable, by the caller's filter, for example its
 * health) goes to the next usable owner clockwise, which is where the ring without that upstream
 * would put it. Keys are spread with a 64-bit finaliser (splitmix64), so neighbouring client
 * addresses land far apart.
 */
public final class HashRing {

    /** Points per unit of weight: ketama's 160 keeps each share within a few percent. */
    public static final int POINTS_PER_WEIGHT = 160;

    private final Pool pool;
    /** Ascending (signed order). */
    private final long[] points;
    private final Upstream[] owners;
    /** Whether any upstream is enabled with weight: health changes later, so it is not counted here. */
    private final boolean anyConfigured;

    private HashRing(Pool pool, long[] points, Upstream[] owners) {
        this.pool = pool;
        this.points = points;
        this.owners = owners;
        boolean any = false;
        for (Upstream upstream : pool.upstreams()) {
            any |= upstream.configured();
        }
        this.anyConfigured = any;
    }

    /**
     * Builds the ring of a pool: {@code 160 * weight} points per upstream (a pool of ten upstreams
     * of the largest weight, 256, holds 409,600 points, about 5 MB: build once per snapshot, share).
     */
    public static HashRing of(Pool pool) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        List<long[]> entries = new ArrayList<>();   // {point, upstream index}
        for (Upstream upstream : pool.upstreams()) {
            int count = POINTS_PER_WEIGHT * Math.max(0, upstream.weight());
            for (int group = 0; group * 4 < count; group++) {
                byte[] digest = sha256.digest((upstream.id() + "#" + group).getBytes(StandardCharsets.UTF_8));
                for (int k = 0; k < 4 && group * 4 + k < count; k++) {
                    entries.add(new long[] {readLong(digest, k * 8), upstream.index()});
                }
            }
        }
        // Ties (astronomically rare) go to the smaller id, so the order never depends on the pool's.
        entries.sort(Comparator.<long[]>comparingLong(e -> e[0])
                .thenComparing(e -> pool.get((int) e[1]).id()));
        long[] points = new long[entries.size()];
        Upstream[] owners = new Upstream[entries.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = entries.get(i)[0];
            owners[i] = pool.get((int) entries.get(i)[1]);
        }
        return new HashRing(pool, points, owners);
    }

    public Pool pool() {
        return pool;
    }

    /** How many points the ring has. */
    public int size() {
        return points.length;
    }

    /** The eligible upstream owning a key, or null if no upstream is eligible. */
    public Upstream find(int keyHash) {
        return find(keyHash, null);
    }

    /**
     * The first upstream clockwise from a key that is eligible and, if {@code usable} is not null,
     * passes it; null if there is none. Pass a filter held by the caller (not a new lambda per
     * call) to stay allocation-free. Skipping walks the ring, so its cost grows with the points
     * of the skipped upstreams; when nothing is usable, the whole ring.
     *
     * @param keyHash for a client address, {@code InetAddress.hashCode()} (the address bits of an
     *                IPv4 address), computed once per connection
     */
    public Upstream find(int keyHash, Predicate<? super Upstream> usable) {
        int n = points.length;
        if (!anyConfigured) {
            return null;
        }
        int i = Arrays.binarySearch(points, spread(keyHash));
        if (i < 0) {
            i = -i - 1;
        }
        for (int walked = 0; walked < n; walked++, i++) {
            if (i == n) {
                i = 0;
            }
            Upstream owner = owners[i];
            if (owner.eligible() && (usable == null || usable.test(owner))) {
                return owner;
            }
        }
        return null;
    }

    /** A key's position on the ring: splitmix64's finaliser over the 32-bit key. */
    static long spread(int keyHash) {
        long z = (keyHash & 0xffffffffL) + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[offset + i] & 0xff);
        }
        return value;
    }
}
