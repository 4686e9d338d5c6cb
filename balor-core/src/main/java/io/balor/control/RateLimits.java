package io.balor.control;

import io.balor.config.RateLimitConfig;
import io.balor.limit.TokenBucket;

import java.util.HashMap;
import java.util.Map;

/**
 * The token buckets of the running config, kept across applies: a limit whose place (listener,
 * route) and settings did not change keeps its bucket and so what its clients have used; a new
 * or changed one starts full. Supervisor thread only.
 */
final class RateLimits {

    private final io.balor.time.Ticker ticker;
    private Map<String, TokenBucket> current = Map.of();
    private final Map<String, TokenBucket> next = new HashMap<>();

    RateLimits(io.balor.time.Ticker ticker) {
        this.ticker = ticker;
    }

    /** The bucket for {@code config} at {@code place} in the config being compiled, or null without a limit. */
    TokenBucket bucket(String place, RateLimitConfig config) {
        if (config == null) {
            return null;
        }
        String key = place + "\n" + config;
        TokenBucket bucket = next.get(key);
        if (bucket == null) {
            bucket = current.get(key);
        }
        if (bucket == null) {
            bucket = new TokenBucket(config, ticker.nanoTime());
        }
        next.put(key, bucket);
        return bucket;
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
}
