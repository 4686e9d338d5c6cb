package io.balor.admin.http;

import io.balor.admin.auth.Role;
import io.balor.admin.console.ConsoleAssets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console's files on the admin server, over real HTTP: the page at every path outside
 * the API (its routes are the browser's), the files under {@code /assets/BUILD/}, their
 * security and cache headers, gzip, 304, and the API's own paths and JSON 404s untouched.
 */
class ConsoleServingTest {

    private ApiTestServer api;
    private ConsoleAssets assets;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        assets = ConsoleAssets.builtIn();
        List<Endpoint> routes = new ArrayList<>(new SampleRoutes().routes());
        routes.add(Endpoint.get("/metrics", Access.atLeast(Role.VIEWER),
                request -> ApiResponse.text(200, "text/plain; version=0.0.4", "m 1\n")));
        api = new ApiTestServer(routes, UnaryOperator.identity(), assets);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = api.request(path, null).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return api.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyPathOutsideTheApiIsTheConsolesPageWithItsPolicy() throws Exception {
        for (String path : List.of("/", "/listeners", "/pools/web/edit", "/index.html")) {
            HttpResponse<byte[]> page = get(path);
            assertEquals(200, page.statusCode(), path);
            assertEquals("text/html; charset=utf-8", header(page, "Content-Type"), path);
            String csp = header(page, "Content-Security-Policy");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'")
                    && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), csp);
            assertEquals("nosniff", header(page, "X-Content-Type-Options"));
            assertEquals("no-cache", header(page, "Cache-Control"), "the page is revalidated on every load");
            assertTrue(text(page).contains("/assets/" + assets.build() + "/app.js"), text(page));
            assertFalse(text(page).contains("%BUILD%"));
        }
    }

    @Test
    void filesAreCachedForAYearUnderTheirBuildGzippedAndRevalidated() throws Exception {
        String path = "/assets/" + assets.build() + "/app.js";
        HttpResponse<byte[]> plain = get(path);
        assertEquals(200, plain.statusCode());
        assertEquals("text/javascript; charset=utf-8", header(plain, "Content-Type"));
        assertEquals("public, max-age=31536000, immutable", header(plain, "Cache-Control"));
        assertArrayEquals(assets.asset("app.js").bytes(), plain.body());
        assertEquals(null, header(plain, "Content-Encoding"));

        HttpResponse<byte[]> zipped = get(path, "Accept-Encoding", "br;q=1, gzip;q=0.8");
        assertEquals("gzip", header(zipped, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(zipped, "Vary"));
        assertArrayEquals(plain.body(), new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes());
        assertEquals(null, header(get(path, "Accept-Encoding", "gzip;q=0"), "Content-Encoding"), "refused by q=0");

        HttpResponse<byte[]> again = get(path, "If-None-Match", header(plain, "ETag"));
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
    }

    @Test
    void theApiKeepsItsPathsAndItsJsonRefusals() throws Exception {
        HttpResponse<byte[]> unknown = get("/api/nothing-here");
        assertEquals(404, unknown.statusCode());
        assertTrue(text(unknown).contains("no such API path"), text(unknown));
        assertTrue(header(unknown, "Content-Type").startsWith("application/json"));
        assertEquals(401, get("/metrics").statusCode(), "an endpoint outside /api is the API's");
        assertEquals(200, get("/api/health").statusCode());
        HttpResponse<String> post = api.sendJson("POST", "/", null, "{}");
        assertEquals(404, post.statusCode(), "only GET and HEAD reach the console");
        HttpResponse<byte[]> stale = get("/assets/000000000000/app.js");
        assertEquals(404, stale.statusCode(), "another build's file");
        assertTrue(text(stale).contains("no such console file"), text(stale));
        assertEquals(404, get("/assets/" + assets.build() + "/nothing.js").statusCode());
    }

    @Test
    void aPathThatClimbsOutIsRefusedBeforeAnyFileIsLookedUp() throws Exception {
        for (String path : List.of("/assets/" + assets.build() + "/../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
                "/..%2f..%2fetc/passwd")) {
            ApiTestServer.RawResponse raw = api.raw("GET " + path + " HTTP/1.1\nHost: 127.0.0.1", new byte[0]);
            assertTrue(raw.status() == 400 || raw.status() == 404, path + " -> " + raw.status());
            assertFalse(raw.body().contains("root:"), raw.body());
        }
    }

    @Test
    void aDirectoryReplacesTheBuiltInFilesWithinItsRules() throws IOException {
        Files.writeString(dir.resolve("index.html"), "<script src=\"/assets/%BUILD%/x.js\"></script>");
        Files.createDirectories(dir.resolve("js"));
        Files.writeString(dir.resolve("js/x.js"), "export {};");
        Files.createSymbolicLink(dir.resolve("passwd.js"), Path.of("/etc/passwd"));
        ConsoleAssets own = ConsoleAssets.directory(dir);
        assertEquals(List.of("js/x.js"), own.names(), "a symbolic link is not followed");
        Matcher build = Pattern.compile("/assets/([0-9a-f]{12})/x.js").matcher(
                new String(own.index().bytes(), StandardCharsets.UTF_8));
        assertTrue(build.find());
        assertEquals(own.build(), build.group(1));

        Files.writeString(dir.resolve("bad name.js"), "");
        assertThrows(IOException.class, () -> ConsoleAssets.directory(dir));
        Files.delete(dir.resolve("bad name.js"));
        Files.delete(dir.resolve("index.html"));
        IOException missing = assertThrows(IOException.class, () -> ConsoleAssets.directory(dir));
        assertTrue(missing.getMessage().contains("no index.html"), missing.getMessage());
        assertThrows(IOException.class, () -> ConsoleAssets.directory(dir.resolve("nowhere")));
    }

    @Test
    void everyFileOfTheBuiltInConsoleIsListedInItsFilesTxt() throws IOException {
        Path source = Path.of("src/main/resources/io/balor/admin/console");
        List<String> onDisk;
        try (var files = Files.list(source)) {
            onDisk = files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.equals("files.txt") && !name.equals("index.html")).sorted().toList();
        }
        assertEquals(onDisk, assets.names(), "a file not in files.txt would not be served");
    }

    @Test
    void theBuiltInConsoleIsSmallAndFetchesNothingFromElsewhere() {
        int total = assets.index().bytes().length;
        for (String name : assets.names()) {
            total += assets.asset(name).bytes().length;
            // The SVG namespace is a name, never fetched: the only URL a file may hold.
            String content = new String(assets.asset(name).bytes(), StandardCharsets.UTF_8)
                    .replace("'http://www.w3.org/2000/svg'", "");
            assertFalse(content.matches("(?s).*(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/.*"), name + " names another origin");
        }
        assertTrue(total < 250_000, total + " bytes");
    }
}
