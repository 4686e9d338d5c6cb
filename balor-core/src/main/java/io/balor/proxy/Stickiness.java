package io.balor.proxy;

import io.balor.config.StickyConfig;
import io.balor.upstream.HashRing;
import io.balor.upstream.Pool;
import io.balor.upstream.StickyCookie;
import io.balor.upstream.Upstream;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * How an HTTP listener ties clients to upstreams, compiled per snapshot for each pool the
 * listener can route to: the cookie codec and the {@code Set-Cookie} lines (as bytes, so a
 * response needs no allocation), or the consistent-hash ring. Immutable; shared by every loop.
 */
public final class Stickiness {

    private final StickyConfig.Strategy strategy;
    private final Map<String, StickyCookie> cookies = new HashMap<>();
    private final Map<String, byte[]> setCookieLines = new HashMap<>();
    private final Map<String, HashRing> rings = new HashMap<>();

    /**
     * @param pools  the pools the listener routes to
     * @param secure whether the listener terminates TLS (the cookie then says {@code Secure})
     */
    public Stickiness(StickyConfig config, Iterable<Pool> pools, boolean secure) {
        this.strategy = config.strategy();
        for (Pool pool : pools) {
            if (strategy == StickyConfig.Strategy.COOKIE) {
                StickyCookie cookie = new StickyCookie(pool, config.cookieName());
                cookies.put(pool.name(), cookie);
                for (Upstream upstream : pool.upstreams()) {
                    setCookieLines.put(upstream.id(), ("Set-Cookie: " + cookie.setCookieValue(upstream, secure) + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                }
            } else {
                rings.put(pool.name(), HashRing.of(pool));
            }
        }
    }

    public boolean byCookie() {
        return strategy == StickyConfig.Strategy.COOKIE;
    }

    /** The cookie codec of a pool (cookie strategy), or null. */
    public StickyCookie cookie(String pool) {
        return cookies.get(pool);
    }

    /** The {@code Set-Cookie} line (CRLF included) that ties a client to {@code upstream}. */
    public byte[] setCookieLine(Upstream upstream) {
        return setCookieLines.get(upstream.id());
    }

    /** The eligible upstream for a client address hash (ip_hash strategy), or null. */
    public Upstream byClient(String pool, int clientHash) {
        HashRing ring = rings.get(pool);
        return ring == null ? null : ring.find(clientHash, Upstream::eligible);
    }
}
