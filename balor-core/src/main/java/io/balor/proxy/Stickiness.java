package io.balor.proxy;

import io.balor.config.StickyConfig;
import io.balor.upstream.HashRing;
import io.balor.upstream.Pool;
import io.balor.upstream.StickyCookie;
import io.balor.upstream.Upstream;

import java.nio.charset.StandardCharsets;

/**
 * How an HTTP listener ties clients to the upstreams of one pool, compiled per snapshot for each
 * pool the listener routes to and resolved into its routes: the cookie codec and the
 * {@code Set-Cookie} line of each upstream (as bytes, by upstream index, so a response needs no
 * allocation or lookup), or the consistent-hash ring. Immutable; shared by every loop.
 */
public final class Stickiness {

    private final boolean byCookie;
    private final StickyCookie cookie;
    private final byte[][] setCookieLines;
    private final HashRing ring;

    /** @param secure whether the listener terminates TLS (the cookie then says {@code Secure}) */
    public Stickiness(StickyConfig config, Pool pool, boolean secure) {
        this.byCookie = config.strategy() == StickyConfig.Strategy.COOKIE;
        if (byCookie) {
            cookie = new StickyCookie(pool, config.cookieName());
            setCookieLines = new byte[pool.size()][];
            for (Upstream upstream : pool.upstreams()) {
                setCookieLines[upstream.index()] = ("Set-Cookie: " + cookie.setCookieValue(upstream, secure) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            ring = null;
        } else {
            cookie = null;
            setCookieLines = null;
            ring = HashRing.of(pool);
        }
    }

    public boolean byCookie() {
        return byCookie;
    }

    /** The pool's cookie codec (cookie strategy), or null. */
    public StickyCookie cookie() {
        return cookie;
    }

    /** The {@code Set-Cookie} line (CRLF included) that ties a client to {@code upstream}, one of the pool's. */
    public byte[] setCookieLine(Upstream upstream) {
        return setCookieLines[upstream.index()];
    }

    /** The eligible upstream for a client address hash (ip_hash strategy), or null. */
    public Upstream byClient(int clientHash) {
        return ring == null ? null : ring.find(clientHash, Upstream::eligible);
    }
}
