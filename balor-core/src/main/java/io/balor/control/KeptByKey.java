package io.balor.control;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Objects of the running config that outlive applies by key (token buckets, traffic counters):
 * compiling a config asks for each key it uses, getting the running object when the key is
 * kept and a new one otherwise; the apply then commits (the keys asked for are the running set,
 * the others are forgotten) or abandons (nothing changes). Supervisor thread for compiling,
 * committing and abandoning; {@link #running()} from any thread.
 *
 * @param <K> the key: a place and, where a change must start afresh, the settings
 */
final class KeptByKey<K, T> {

    private volatile Map<K, T> current = Map.of();
    private final Map<K, T> next = new HashMap<>();

    /** The object for {@code key} in the config being compiled: the running one, or {@code make}'s. */
    T get(K key, Supplier<T> make) {
        T value = next.get(key);
        if (value == null) {
            value = current.get(key);
        }
        if (value == null) {
            value = make.get();
        }
        next.put(key, value);
        return value;
    }

    /** The config compiled since the last commit is the running one now. */
    void commit() {
        current = Map.copyOf(next);
        next.clear();
    }

    /** The compiled config was refused: forget what it asked for. */
    void abandon() {
        next.clear();
    }

    /** The running objects by key (immutable). */
    Map<K, T> running() {
        return current;
    }
}
