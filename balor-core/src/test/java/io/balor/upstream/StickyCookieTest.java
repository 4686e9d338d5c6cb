package io.balor.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StickyCookieTest {

    // 16 hex digits of SHA-256("web/10.0.0.N:80"), from sha256sum: these must never change,
    // or every client loses its upstream on upgrade.
    private static final String A = "c833a679afa7ceb5";
    private static final String B = "ad69499eb89fcd37";
    private static final String C = "fefb45c5b7aac1a6";

    private static Upstream upstream(String pool, int n, boolean enabled) {
        String address = "10.0.0." + n + ":80";
        return new Upstream(pool + "/" + address, address, InetSocketAddress.createUnresolved("10.0.0." + n, 80),
                1, enabled, n - 1);
    }

    private static final Pool POOL = new Pool("web", List.of(upstream("web", 1, true), upstream("web", 2, true),
            upstream("web", 3, false)));
    private static final StickyCookie STICKY = new StickyCookie(POOL, StickyCookie.DEFAULT_NAME);

    /** The cookie header value placed in a direct buffer between bytes that must be ignored. */
    private static Upstream find(StickyCookie sticky, String cookieValue) {
        String around = "Cookie: " + cookieValue + "\r\nX: BALOR_STICKY=" + A + "\r\n";
        byte[] bytes = around.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        int start = "Cookie: ".length();
        return sticky.find(buffer, start, start + cookieValue.length());
    }

    private static String name(Upstream upstream) {
        return upstream == null ? null : upstream.name();
    }

    @Test
    void valuesAreStableHashesOfTheId() {
        assertEquals(A, StickyCookie.valueOf("web/10.0.0.1:80"));
        assertEquals(B, StickyCookie.valueOf("web/10.0.0.2:80"));
        assertEquals(C, StickyCookie.valueOf("web/10.0.0.3:80"));
        assertNotEquals(A, StickyCookie.valueOf("api/10.0.0.1:80"));
    }

    @Test
    void findsTheCookieFirstMiddleOrLast() {
        assertEquals("10.0.0.1:80", name(find(STICKY, "BALOR_STICKY=" + A)));
        assertEquals("10.0.0.2:80", name(find(STICKY, "BALOR_STICKY=" + B + "; a=b; c=d")));
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b; BALOR_STICKY=" + B + "; c=d")));
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b; c=d; BALOR_STICKY=" + B)));
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b;BALOR_STICKY=" + B + ";c=d")));
    }

    @Test
    void toleratesSpacesTabsAndQuotes() {
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b;   BALOR_STICKY = " + B + " ;c=d")));
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b;\tBALOR_STICKY=\t" + B + "\t")));
        assertEquals("10.0.0.2:80", name(find(STICKY, "a=b; BALOR_STICKY=\"" + B + "\"; c=d")));
        assertEquals("10.0.0.2:80", name(find(STICKY, ";; ; BALOR_STICKY=" + B + ";")));
    }

    @Test
    void returnsADisabledUpstreamForTheCallerToCheck() {
        Upstream upstream = find(STICKY, "BALOR_STICKY=" + C);
        assertEquals("10.0.0.3:80", name(upstream));
        assertEquals(false, upstream.eligible());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a=b", "XBALOR_STICKY=" + A, "BALOR_STICKYX=" + A, "BALOR_STICK=" + A,
            "balor_sticky=" + A, "x=BALOR_STICKY=" + A, "BALOR_STICKY=", "BALOR_STICKY=;a=b", "BALOR_STICKY=\"\"",
            "BALOR_STICKY", "BALOR_STICKY; x=" + A, "BALOR_STICKY=0000000000000000", "BALOR_STICKY=" + A + "0",
            "BALOR_STICKY=" + "c833a679afa7ceb", "BALOR_STICKY=c833a679afa7ceZ5", "BALOR_STICKY=\"" + A,
            "BALOR_STICKY=c833a679 afa7ceb5"})
    void findsNothingWithoutAValidCookieOfThatName(String cookieValue) {
        assertNull(find(STICKY, cookieValue));
    }

    @Test
    void theFirstValueNamingAnUpstreamWins() {
        assertEquals("10.0.0.2:80", name(find(STICKY, "BALOR_STICKY=stale; BALOR_STICKY=" + B + "; BALOR_STICKY=" + A)));
        assertEquals("10.0.0.2:80", name(find(STICKY, "BALOR_STICKY=" + B.toUpperCase() + "; BALOR_STICKY=" + A)));
    }

    @Test
    void anotherPoolsCookieNamesNothing() {
        Pool api = new Pool("api", List.of(upstream("api", 1, true)));
        StickyCookie other = new StickyCookie(api, StickyCookie.DEFAULT_NAME);
        assertNull(find(other, "BALOR_STICKY=" + A));
        assertNotNull(find(other, "BALOR_STICKY=" + StickyCookie.valueOf("api/10.0.0.1:80")));
    }

    @Test
    void usesTheConfiguredName() {
        StickyCookie sticky = new StickyCookie(POOL, "srv");
        assertEquals("10.0.0.1:80", name(find(sticky, "BALOR_STICKY=" + B + "; srv=" + A)));
        assertEquals("srv=" + A + "; Path=/; HttpOnly; SameSite=Lax", sticky.setCookieValue(POOL.get(0), false));
    }

    @Test
    void setCookieValuesArePrecomputed() {
        assertEquals("BALOR_STICKY=" + A + "; Path=/; HttpOnly; SameSite=Lax", STICKY.setCookieValue(POOL.get(0), false));
        assertEquals("BALOR_STICKY=" + B + "; Path=/; HttpOnly; SameSite=Lax; Secure",
                STICKY.setCookieValue(POOL.get(1), true));
        assertSame(STICKY.setCookieValue(POOL.get(1), true), STICKY.setCookieValue(POOL.get(1), true));
        // a cookie we set is one we find
        String set = STICKY.setCookieValue(POOL.get(2), true);
        assertEquals("10.0.0.3:80", name(find(STICKY, set.substring(0, set.indexOf(';')))));
    }

    @Test
    void setCookieRejectsAnUpstreamOfAnotherPool() {
        assertThrows(IllegalArgumentException.class, () -> STICKY.setCookieValue(upstream("api", 1, true), false));
        assertThrows(IllegalArgumentException.class, () -> STICKY.setCookieValue(upstream("web", 9, true), false));
    }

    @Test
    void cookieNamesMustBeTokens() {
        assertNull(StickyCookie.cookieNameProblem("BALOR_STICKY"));
        assertNull(StickyCookie.cookieNameProblem("__Host-srv"));
        assertNotNull(StickyCookie.cookieNameProblem(null));
        assertNotNull(StickyCookie.cookieNameProblem(""));
        assertNotNull(StickyCookie.cookieNameProblem("a b"));
        assertNotNull(StickyCookie.cookieNameProblem("a=b"));
        assertNotNull(StickyCookie.cookieNameProblem("a;b"));
        assertNotNull(StickyCookie.cookieNameProblem("sé"));
        assertThrows(IllegalArgumentException.class, () -> new StickyCookie(POOL, "a=b"));
    }
}
