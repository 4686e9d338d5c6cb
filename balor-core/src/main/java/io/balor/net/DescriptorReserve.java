package io.balor.net;

import java.io.IOException;
import java.nio.channels.DatagramChannel;

/**
 * A few file descriptors the process holds back from its listeners, so that when the
 * descriptor limit ({@code ulimit -n}) is reached the admin API, health probes and log files can
 * still open one. The classic trick of servers on {@code select}/{@code epoll}: hold spare
 * descriptors (unbound datagram sockets here, which need no file path), give them back the moment
 * an accept fails for want of one, and take them again before accepting resumes.
 *
 * <p>An {@link Acceptor} whose accept fails calls {@link #release()} and stops accepting; on each
 * retry it calls {@link #refill()} and only accepts again once the whole reserve is held again,
 * that is once clients have left and freed descriptors. So the listeners never take the last
 * {@link #SIZE} descriptors while others wait for them.
 *
 * <p>Threads: one per process ({@link #process()}), used by every accept loop and the supervisor
 * at start; the methods are synchronized, and called only on accept failures and their retries,
 * never per connection.
 */
public final class DescriptorReserve {

    /** Descriptors held back. */
    public static final int SIZE = 16;

    private static final DescriptorReserve PROCESS = new DescriptorReserve(SIZE);

    private final DatagramChannel[] spare;
    private int held;

    DescriptorReserve(int size) {
        this.spare = new DatagramChannel[size];
    }

    /** The process's reserve. */
    public static DescriptorReserve process() {
        return PROCESS;
    }

    /** Closes every held descriptor; returns how many were freed (0 if it was already empty). */
    public synchronized int release() {
        int freed = held;
        for (int i = 0; i < held; i++) {
            try {
                spare[i].close();
            } catch (IOException ignored) {
                // the descriptor is released either way
            }
            spare[i] = null;
        }
        held = 0;
        return freed;
    }

    /** Opens descriptors until the reserve is full or none can be opened; whether it is full. */
    public synchronized boolean refill() {
        while (held < spare.length) {
            try {
                spare[held] = DatagramChannel.open();
            } catch (IOException | RuntimeException e) {
                return false;
            }
            held++;
        }
        return true;
    }

    /** Descriptors held now. */
    public synchronized int held() {
        return held;
    }
}
