package io.balor.log;

import io.balor.http.Method;

/**
 * One exchange as the access log keeps it: filled on a loop into a slot of that loop's ring
 * (made once, reused), read by the writer thread after the slot is published. The strings are
 * shared config names (no copy); client address and path are copied into the slot's arrays.
 */
final class AccessRecord {

    static final int MAX_PATH = 512;
    static final int MAX_CLIENT = 64;

    long timeMillis;
    String listener;
    String route;
    String pool;
    String upstream;
    final byte[] client = new byte[MAX_CLIENT];
    int clientLength;
    Method method;
    final byte[] path = new byte[MAX_PATH];
    int pathLength;
    boolean pathCut;
    int status;
    long bytesIn;
    long bytesOut;
    long durationNanos;
    long upstreamNanos;
    long requestId;
    /** Why the exchange failed (an {@code io.balor.upstream.UpstreamError}, a shared string), or null. */
    String error;
    /** The exchange's end on the loops' ticker: orders records of the same millisecond. */
    long endNanos;
}
