package io.balor.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The newest access-log lines, at most a fixed number, for the console's live view, kept in the
 * time order of their exchanges' ends (newest last). The loops' rings are drained one after the
 * other, so a line can arrive after a newer one from another loop: it is put in its place rather
 * than at the end. Ordered by the loops' monotonic clock (the one clock every loop reads), so a
 * wall clock stepped back changes the times the lines show, not their order. Thread-safe: the writer thread adds, any thread
 * reads.
 */
final class RecentLines {

    /** A formatted line with its exchange's end: wall-clock milliseconds and ticker nanoseconds. */
    record Line(long timeMillis, long endNanos, String text) {

        /**
         * Earlier first by the loops' monotonic clock, never the wall clock: a wall clock stepped
         * back must not make new lines look older than the ones kept (and drop them). A stable sort
         * keeps one loop's lines of the same instant in their order.
         */
        static final Comparator<Line> ORDER = (a, b) -> Long.signum(a.endNanos - b.endNanos);
    }

    private final int capacity;
    /** A ring: the oldest at {@code first}, {@code size} lines from there. */
    private final Line[] lines;
    private int first;
    private int size;

    RecentLines(int capacity) {
        this.capacity = capacity;
        this.lines = new Line[capacity];
    }

    /** Adds lines (in any order); when full, the oldest go. */
    synchronized void addAll(List<Line> batch) {
        for (Line line : batch) {
            add(line);
        }
    }

    private void add(Line line) {
        if (capacity == 0) {
            return;
        }
        if (size == capacity) {
            if (Line.ORDER.compare(line, lines[first]) < 0) {
                return;   // older than every line kept: it would be the first to go
            }
            lines[first] = null;
            first = (first + 1) % capacity;
            size--;
        }
        int at = size;   // after every line not later than it: nearly always the end
        while (at > 0 && Line.ORDER.compare(lines[(first + at - 1) % capacity], line) > 0) {
            lines[(first + at) % capacity] = lines[(first + at - 1) % capacity];
            at--;
        }
        lines[(first + at) % capacity] = line;
        size++;
    }

    /** The newest {@code max} lines, oldest first. */
    synchronized List<String> last(int max) {
        int count = Math.min(size, Math.max(0, max));
        List<String> texts = new ArrayList<>(count);
        for (int i = size - count; i < size; i++) {
            texts.add(lines[(first + i) % capacity].text());
        }
        return List.copyOf(texts);
    }
}
