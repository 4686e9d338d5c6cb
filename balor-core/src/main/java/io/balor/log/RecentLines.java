package io.balor.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The newest lines, at most a fixed number, for the console's live view. Thread-safe. */
final class RecentLines {

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    RecentLines(int capacity) {
        this.capacity = capacity;
    }

    synchronized void addAll(List<String> batch) {
        for (String line : batch) {
            if (capacity == 0) {
                return;
            }
            if (lines.size() == capacity) {
                lines.pollFirst();
            }
            lines.addLast(line);
        }
    }

    /** The newest {@code max} lines, oldest first. */
    synchronized List<String> last(int max) {
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, max)), all.size()));
    }
}
