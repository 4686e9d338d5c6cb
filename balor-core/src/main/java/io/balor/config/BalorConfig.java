package io.balor.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole data-plane configuration: listeners and the pools they send connections to.
 *
 * <p>The parts ({@link ListenerConfig}, {@link PoolConfig}, ...) only normalise their values; a
 * {@code BalorConfig} validates the whole tree when it is constructed and refuses it with an
 * {@link InvalidConfigException} that names every problem by its field path
 * ({@code listeners[1].listen}). A {@code BalorConfig} that exists is therefore valid, and it is
 * immutable.
 */
public record BalorConfig(List<ListenerConfig> listeners, List<PoolConfig> pools) {

    /** @throws NullPointerException if a list holds null, as {@link List#copyOf} does */
    public BalorConfig {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        pools = pools == null ? List.of() : List.copyOf(pools);
        validate(listeners, pools);
    }

    /** No listeners, no pools: what a fresh daemon starts with. */
    public static BalorConfig empty() {
        return new BalorConfig(List.of(), List.of());
    }

    public BalorConfig withListeners(List<ListenerConfig> value) {
        return new BalorConfig(value, pools);
    }

    public BalorConfig withPools(List<PoolConfig> value) {
        return new BalorConfig(listeners, value);
    }

    /** The listener with this name, or null. */
    public ListenerConfig listener(String name) {
        for (ListenerConfig listener : listeners) {
            if (listener.name().equals(name)) {
                return listener;
            }
        }
        return null;
    }

    /** The pool with this name, or null. */
    public PoolConfig pool(String name) {
        for (PoolConfig pool : pools) {
            if (pool.name().equals(name)) {
                return pool;
            }
        }
        return null;
    }

    private static void validate(List<ListenerConfig> listeners, List<PoolConfig> pools) {
        Problems problems = new Problems();
        Set<String> poolNames = new HashSet<>();
        for (int i = 0; i < pools.size(); i++) {
            PoolConfig pool = pools.get(i);
            String path = "pools[" + i + "]";
            pool.check(path, problems);
            if (pool.name() != null && !poolNames.add(pool.name())) {
                problems.add(path + ".name", "another pool is named '" + pool.name() + "'");
            }
        }
        Set<String> listenerNames = new HashSet<>();
        Set<String> boundAddresses = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            String path = "listeners[" + i + "]";
            listener.check(path, problems, poolNames);
            if (listener.name() != null && !listenerNames.add(listener.name())) {
                problems.add(path + ".name", "another listener is named '" + listener.name() + "'");
            }
            HostPort.Parsed listen = HostPort.parseListen(listener.listen());
            if (listener.enabled() && listen.value() != null && listen.value().port() != 0
                    && !boundAddresses.add(listen.value().authority())) {
                problems.add(path + ".listen", "another listener already listens on " + listener.listen());
            }
            if (listener.pool() == null && listener.name() != null && poolNames.contains(listener.name())) {
                problems.add(path + ".name", "a listener with inline upstreams may not share its name with pool '"
                        + listener.name() + "'");
            }
        }
        problems.throwIfAny();
    }
}
