package io.balor.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest {

    private static final RouteTable<String> TABLE = RouteTable.compile(List.of(
            rule("example.com", null, "apex"),
            rule("api.example.com", null, "api"),
            rule("api.example.com", "/v2/", "api-v2"),
            rule("API.example.com", "/v2/admin", "api-v2-admin"),
            rule("shop.example.com", "/cart", "shop-cart"),
            rule("*.example.com", null, "wild"),
            rule("*.example.com", "/static/", "wild-static"),
            rule("*.eu.example.com", null, "wild-eu"),
            rule("[::1]", null, "v6"),
            rule("10.0.0.1", null, "v4"),
            rule("Mixed.Case.Test.", null, "mixed")), "default");

    private static RouteTable.Rule<String> rule(String host, String prefix, String target) {
        return new RouteTable.Rule<>(host, prefix, target);
    }

    /**
     * Looks up {@code host} and {@code target} laid out as in a request head, at an offset in a
     * direct buffer, with bytes around them that must be ignored; the path ends at the '?'.
     */
    private static <T> T find(RouteTable<T> table, String host, String target) {
        String head = "GET " + target + " HTTP/1.1\r\nHost:" + host + "\r\n\r\n";
        byte[] bytes = ("xx" + head).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 8);
        buffer.put(bytes).flip();
        int pathStart = 2 + 4;
        int pathEnd = pathStart + target.length();
        int query = target.indexOf('?');
        if (query >= 0) {
            pathEnd = pathStart + query;
        }
        int hostStart = 2 + head.indexOf("Host:") + 5;
        int hostEnd = hostStart + host.length();
        long name = io.balor.http.HostField.range(buffer, hostStart, hostEnd);   // as the parser finds it
        return table.find(buffer, io.balor.http.HostField.start(name), io.balor.http.HostField.end(name),
                pathStart, pathEnd);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "example.com|/|apex",
            "EXAMPLE.Com|/|apex",
            "example.com:8080|/|apex",
            "example.com.|/|apex",
            "example.com.:443|/x|apex",
            " example.com\t|/|apex",
            "api.example.com|/v1/users|api",
            "api.example.com|/v2/users|api-v2",
            "api.example.com|/v2/admin/x|api-v2-admin",
            "api.example.com|/v2/administrators|api-v2-admin",
            "api.example.com|/v2|api",
            "api.example.com|/v2?x=/v2/|api",
            "api.example.com|/v2/?q=1|api-v2",
            "api.example.com|/V2/users|api",
            "a.example.com|/|wild",
            "A.B.Example.COM:80|/|wild",
            "a.example.com|/static/app.css|wild-static",
            "a.example.com.|/static/app.css|wild-static",
            "eu.example.com|/|wild",
            "x.eu.example.com|/|wild-eu",
            "x.y.eu.example.com|/static/a|wild-eu",
            "shop.example.com|/cart/1|shop-cart",
            "shop.example.com|/other|wild",
            "shop.example.com|/static/x|wild-static",
            "evilexample.com|/|default",
            "example.com.evil.org|/|default",
            ".example.com|/|default",
            "com|/|default",
            "[::1]|/|v6",
            "[::1]:8080|/|v6",
            "[::2]:8080|/|default",
            "[::1|/|default",
            "10.0.0.1:80|/|v4",
            "10.0.0.2|/|default",
            "mixed.case.test|/|mixed",
            "unknown.org|/|default",
            "|/|default",
            ":8080|/|default",
    })
    void findsTheMostSpecificRoute(String host, String target, String expected) {
        assertEquals(expected, find(TABLE, host == null ? "" : host, target));
    }

    @Test
    void withoutDefaultAMissIsNull() {
        RouteTable<String> table = RouteTable.compile(List.of(rule("example.com", "/api/", "api"),
                rule("*.example.com", null, "wild")), null);
        assertEquals("api", find(table, "example.com", "/api/x"));
        assertNull(find(table, "example.com", "/other"));
        assertNull(find(table, "other.org", "/"));
        assertNull(find(table, "", "/"));
        assertEquals("wild", find(table, "a.example.com", "/"));
        assertNull(find(RouteTable.empty(), "example.com", "/"));
    }

    @Test
    void onlyADefaultCatchesEverything() {
        RouteTable<String> table = RouteTable.compile(List.of(), "pool");
        assertEquals("pool", find(table, "anything.example", "/x"));
        assertEquals("pool", table.defaultTarget());
    }

    @Test
    void aPrefixOfSlashMatchesEveryOriginFormPath() {
        RouteTable<String> table = RouteTable.compile(List.of(rule("example.com", "/", "root")), null);
        assertEquals("root", find(table, "example.com", "/"));
        assertEquals("root", find(table, "example.com", "/a/b"));
        assertNull(find(table, "example.com", "*"));
    }

    @Test
    void duplicateRoutesAndInvalidPatternsDoNotCompile() {
        assertThrows(IllegalArgumentException.class, () -> RouteTable.compile(List.of(
                rule("example.com", null, "a"), rule("EXAMPLE.com.", null, "b")), null));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.compile(List.of(
                rule("*.example.com", "/a", "a"), rule("*.Example.com", "/a", "b")), null));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.compile(List.of(rule("a.*.com", null, "a")), null));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.compile(List.of(rule("a.com", "api", "a")), null));
    }

    @Test
    void manyHostsAllResolve() {
        List<RouteTable.Rule<String>> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rules.add(rule("host" + i + ".example.com", null, "h" + i));
            rules.add(rule("*.zone" + i + ".example.net", null, "z" + i));
        }
        RouteTable<String> table = RouteTable.compile(rules, null);
        for (int i = 0; i < 500; i++) {
            assertEquals("h" + i, find(table, "HOST" + i + ".example.com", "/"));
            assertEquals("z" + i, find(table, "a.b.zone" + i + ".example.net", "/"));
        }
        assertNull(find(table, "host500.example.com", "/"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "example.com|example.com",
            "Example.COM.|example.com",
            "example.com:8080|example.com",
            "example.com.:8080|example.com",
            "*.Example.com|*.example.com",
            "[::1]:80|[::1]",
            "[2001:DB8::1]|[2001:db8::1]",
    })
    void normalizesHosts(String host, String expected) {
        assertEquals(expected, RoutePatterns.normalizeHost(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "*.example.com", "EXAMPLE.com.", "*.com", "[::1]", "[2001:db8::1]",
            "10.0.0.1", "_srv.example.com", "localhost", "xn--bcher-kva.de"})
    void acceptsValidHostPatterns(String pattern) {
        assertNull(RoutePatterns.hostPatternProblem(pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "*.", "*..", "a.*.com", "*.*.com", "*example.com", "ex*.com", "exa mple.com",
            "example.com:80", "a..b", ".example.com", "bücher.de", "[::1]:80", "[zz::1]", "[1.2.3.4]", "[]",
            "example.com/path", "a\tb"})
    void rejectsInvalidHostPatterns(String pattern) {
        String problem = RoutePatterns.hostPatternProblem(pattern);
        assertNotNull(problem, pattern);
    }

    @Test
    void rejectsNullAndOverlongHostPatterns() {
        assertEquals("must not be empty", RoutePatterns.hostPatternProblem(null));
        assertTrue(RoutePatterns.hostPatternProblem("a".repeat(64) + ".com").contains("label longer"));
        String longName = ("a".repeat(50) + ".").repeat(5) + "com";
        assertTrue(RoutePatterns.hostPatternProblem(longName).contains("longer than 253"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"/", "/api", "/api/", "/a-b_c.d~e/%20x"})
    void acceptsValidPathPrefixes(String prefix) {
        assertNull(RoutePatterns.pathPrefixProblem(prefix));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api", "*", "/a?b", "/a#b", "/a b", "/ü"})
    void rejectsInvalidPathPrefixes(String prefix) {
        assertNotNull(RoutePatterns.pathPrefixProblem(prefix), prefix);
    }
}
