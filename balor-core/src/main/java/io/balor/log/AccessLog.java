package io.balor.log;

import io.balor.AccessLogOptions;
import io.balor.http.Method;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log: one JSON line per exchange. Each loop records into its own {@link Shard}, a
 * single-producer ring of reusable slots, so recording takes no lock, makes no system call and
 * allocates nothing; a writer thread ({@code balor-access-log}) drains the rings every few
 * milliseconds, formats the lines and hands them to the {@link LogFiles} and to the ring of
 * recent lines. When a ring is full (the writer is behind, the disk is slow) the record is
 * dropped and counted: the data plane never waits for the log.
 *
 * <p>Order: lines are in the time order of their exchanges' ends, newest last (wall-clock
 * millisecond, then the loops' monotonic clock). Each drain takes every ring's end first and
 * sorts what it took (a stable sort: one loop's records are already in order), so a drain's
 * lines are in order; {@link #recent} is in order across drains too (a record a loop was still
 * publishing while an earlier ring was drained is put in its place). In the files, such a record
 * can follow a line a few microseconds newer.
 */
public final class AccessLog implements AutoCloseable {

    private static final int RING = 4096;
    private static final long IDLE_PARK_NANOS = 20_000_000L;

    private final Shard[] shards;
    private final LogFiles files;
    private final RecentLines recent;
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile int permyriad;
    private volatile boolean running = true;

    public AccessLog(AccessLogOptions options, int loops) {
        this.permyriad = options.permyriad();
        this.shards = new Shard[loops];
        for (int i = 0; i < loops; i++) {
            shards[i] = new Shard(i);
        }
        this.files = options.directory() == null ? null
                : new LogFiles(options.directory(), "access.log", options.maxFileBytes(),
                        io.balor.LogRetention.files(options.keepFiles()));
        this.recent = new RecentLines(options.recent());
        this.writer = new Thread(this::drainLoop, "balor-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** The shard of loop {@code index}; only that loop records into it. */
    public Shard shard(int index) {
        return shards[index];
    }

    /** Changes the sampling now (clamped to 1..10,000 per 10,000). Any thread. */
    public void permyriad(int value) {
        permyriad = AccessLogOptions.clamp(value);
    }

    public int permyriad() {
        return permyriad;
    }

    /** The newest {@code max} lines, in time order (newest last). */
    public List<String> recent(int max) {
        return recent.last(max);
    }

    /** Records lost: a full ring, or a line the files could not take. */
    public long dropped() {
        long total = files == null ? 0 : files.dropped();
        for (Shard shard : shards) {
            total += shard.dropped;
        }
        return total;
    }

    /** Lines formatted (kept in memory and, with a directory, written or counted as dropped). */
    public long written() {
        return written.get();
    }

    /** Writes what waits, then stops the writer. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (files != null) {
            files.close();
        }
    }

    private void drainLoop() {
        StringBuilder line = new StringBuilder(512);
        AccessJson json = new AccessJson();
        List<RecentLines.Line> batch = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long[] ends = new long[shards.length];
        while (true) {
            boolean stopping = !running;
            for (int i = 0; i < shards.length; i++) {
                ends[i] = shards[i].head;   // every ring's end first: one moment's records from all loops
            }
            for (int i = 0; i < shards.length; i++) {
                shards[i].drain(ends[i], json, line, batch);
            }
            if (!batch.isEmpty()) {
                batch.sort(RecentLines.Line.ORDER);
                written.addAndGet(batch.size());
                recent.addAll(batch);
                if (files != null) {
                    for (RecentLines.Line each : batch) {
                        texts.add(each.text());
                    }
                    files.write(texts);
                    texts.clear();
                }
                batch.clear();
            } else if (stopping) {
                return;
            } else {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /** One loop's ring: the loop writes slots and publishes {@code head}; the writer reads up to it. */
    public final class Shard {
        private final AccessRecord[] slots = new AccessRecord[RING];
        private final int index;
        private volatile long head;
        private volatile long tail;
        private volatile long dropped;
        private long random;

        Shard(int index) {
            this.index = index;
            for (int i = 0; i < RING; i++) {
                slots[i] = new AccessRecord();
            }
            random = 0x9E3779B97F4A7C15L * (index + 1);
        }

        /** Whether this exchange is sampled (decide before gathering what {@link #record} needs). Loop thread. */
        public boolean sampled() {
            int keep = permyriad;
            if (keep >= 10_000) {
                return true;
            }
            random ^= random << 13;
            random ^= random >>> 7;
            random ^= random << 17;
            return Math.floorMod(random, 10_000) < keep;
        }

        /**
         * Records one exchange, or counts it dropped when the ring is full. Loop thread; no allocation.
         *
         * @param timeMillis its end, wall clock (the time the line shows)
         * @param endNanos   its end, the loops' ticker: orders the lines (the wall clock may step back)
         * @param error      why it failed (an {@code io.balor.upstream.UpstreamError}), or null
         */
        public void record(long timeMillis, String listener, String route, String pool, String upstream,
                           byte[] client, int clientLength, Method method, byte[] path, int pathLength, boolean pathCut,
                           int status, long bytesIn, long bytesOut, long durationNanos, long upstreamNanos,
                           long requestId, long endNanos, String error) {
            long at = head;
            if (at - tail >= RING) {
                dropped++;   // single writer: this loop
                return;
            }
            AccessRecord slot = slots[(int) (at & (RING - 1))];
            slot.timeMillis = timeMillis;
            slot.listener = listener;
            slot.route = route;
            slot.pool = pool;
            slot.upstream = upstream;
            slot.clientLength = Math.min(clientLength, AccessRecord.MAX_CLIENT);
            System.arraycopy(client, 0, slot.client, 0, slot.clientLength);
            slot.method = method;
            slot.pathLength = Math.min(pathLength, AccessRecord.MAX_PATH);
            slot.pathCut = pathCut || pathLength > AccessRecord.MAX_PATH;
            System.arraycopy(path, 0, slot.path, 0, slot.pathLength);
            slot.status = status;
            slot.bytesIn = bytesIn;
            slot.bytesOut = bytesOut;
            slot.durationNanos = durationNanos;
            slot.upstreamNanos = upstreamNanos;
            slot.requestId = requestId;
            slot.endNanos = endNanos;
            slot.error = error;
            head = at + 1;   // publishes the slot to the writer
        }

        private void drain(long end, AccessJson json, StringBuilder line, List<RecentLines.Line> batch) {
            for (long at = tail; at < end; at++) {
                AccessRecord slot = slots[(int) (at & (RING - 1))];
                line.setLength(0);
                json.write(slot, line);
                batch.add(new RecentLines.Line(slot.timeMillis, slot.endNanos, line.toString()));
                tail = at + 1;   // frees the slot for the loop
            }
        }
    }
}
