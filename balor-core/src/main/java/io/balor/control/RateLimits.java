package io.balor.control;

import io.balor.config.RateLimitConfig;
import io.balor.limit.TokenBucket;

/**
 * The token buckets of the running config, kept across applies: a limit whose place (listener,
 * route) and settings did not change keeps its bucket and so what its clients have used; a new
 * or changed one starts full. Supervisor thread only.
 */
final class RateLimits {

    private final io.balor.time.Ticker ticker;
    private final KeptByKey<String, TokenBucket> buckets = new KeptByKey<>();

    RateLimits(io.balor.time.Ticker ticker) {
        this.ticker = ticker;
    }

    /** The bucket for {@code config} at {@code place} in the config being compiled, or null without a limit. */
    TokenBucket bucket(String place, RateLimitConfig config) {
        if (config == null) {
            return null;
        }
        return buckets.get(place + "\n" + config, () -> new TokenBucket(config, ticker.nanoTime()));
    }

    /** The config compiled since the last commit is the running one now. */
    void commit() {
        buckets.commit();
    }

    /** The compiled config was refused: forget what it asked for. */
    void abandon() {
        buckets.abandon();
    }
}
