package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log: one JSON line per exchange, sampling, rotation, and a log that cannot be written. */
class AccessLogTest {

    private final TestResources resources = new TestResources();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(AccessLogOptions log) throws IOException {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        return resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("app.example", "/api", "app"))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(2).withAccessLog(log)));
    }

    private static String get(InetSocketAddress address, String host, String path) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).substring(9, 12);
        }
    }

    private static List<String> awaitLines(Balor balor, int count) {
        Await.until(count + " access-log lines", () -> balor.recentAccessLog(10_000).size() >= count);
        return balor.recentAccessLog(10_000);
    }

    @Test
    void eachExchangeIsOneJsonLineWithItsFields() throws Exception {
        Balor balor = start(AccessLogOptions.MEMORY);
        InetSocketAddress web = balor.boundAddress("web");
        assertEquals("200", get(web, "app.example", "/api/items?q=%22x%22"));
        assertEquals("404", get(web, "other.example", "/nothing"));
        List<String> lines = awaitLines(balor, 2);
        String ok = lines.stream().filter(l -> l.contains("\"status\":200")).findFirst().orElseThrow();
        for (String field : List.of("\"listener\":\"web\"", "\"route\":\"app.example/api\"", "\"pool\":\"app\"",
                "\"upstream\":\"app/", "\"client\":\"127.0.0.1\"", "\"method\":\"GET\"",
                "\"path\":\"/api/items?q=%22x%22\"", "\"request_id\":\"", "\"time\":\"20")) {
            assertTrue(ok.contains(field), field + " in " + ok);
        }
        assertTrue(ok.matches(".*\"bytes_in\":[1-9][0-9]*,\"bytes_out\":[1-9][0-9]*,.*"), ok);
        assertTrue(ok.matches(".*\"duration_ms\":[0-9.E-]+,\"upstream_ms\":[0-9.E-]+,.*"), ok);
        assertTrue(ok.startsWith("{") && ok.endsWith("}") && !ok.contains("\n"), ok);
        String notFound = lines.stream().filter(l -> l.contains("\"status\":404")).findFirst().orElseThrow();
        assertTrue(notFound.contains("\"route\":null") && notFound.contains("\"upstream\":null")
                && notFound.contains("\"upstream_ms\":null"), notFound);
    }

    /**
     * Issue 12: lines from several loops come back in time order, newest last. Each request is on
     * a new connection, so the two loops take them in turn; each is sent after the previous
     * answer, so their order is known.
     */
    @Test
    void linesFromSeveralLoopsComeBackInTimeOrder() throws Exception {
        Balor balor = start(AccessLogOptions.MEMORY);
        InetSocketAddress web = balor.boundAddress("web");
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            assertEquals("404", get(web, "x.example", "/" + i));
            sent.add("/" + i);
        }
        List<String> lines = awaitLines(balor, 30);
        List<String> paths = new java.util.ArrayList<>();
        String previous = "";
        for (String line : lines) {
            paths.add(field(line, "path"));
            String time = field(line, "time");
            assertTrue(time.compareTo(previous) >= 0, time + " after " + previous + ": " + lines);
            previous = time;
        }
        assertEquals(sent, paths);
        List<String> newest = balor.recentAccessLog(3);
        assertEquals(List.of("/27", "/28", "/29"), List.of(field(newest.get(0), "path"), field(newest.get(1), "path"),
                field(newest.get(2), "path")));
    }

    private static String field(String line, String name) {
        int at = line.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return line.substring(at, line.indexOf('"', at));
    }

    @Test
    void samplingKeepsAboutTheShareAskedFor() throws Exception {
        Balor balor = start(AccessLogOptions.MEMORY);
        assertEquals(2_500, balor.accessLogSampling(2_500));
        assertEquals(1, balor.accessLogSampling(0), "clamped to 1..10000");
        assertEquals(10_000, balor.accessLogSampling(99_999));
        balor.accessLogSampling(2_500);
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 400; i++) {
            assertEquals("404", get(web, "x.example", "/" + i));
        }
        balor.accessLogSampling(10_000);
        assertEquals("404", get(web, "x.example", "/last"));
        Await.until("the marker line", () -> balor.recentAccessLog(10_000).stream()
                .anyMatch(l -> l.contains("\"path\":\"/last\"")));
        List<String> lines = balor.recentAccessLog(10_000);
        int sampled = lines.size() - 1;
        // Binomial(400, 0.25): mean 100, sd 8.7; five sd either way.
        assertTrue(sampled >= 56 && sampled <= 144, "kept " + sampled + " of 400 at 25 %");
    }

    @Test
    void filesRotateBySizeAndKeepTheirNumber() throws Exception {
        Balor balor = start(AccessLogOptions.MEMORY.inDirectory(dir).withRotation(1024, 2));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 40; i++) {
            assertEquals("404", get(web, "x.example", "/" + i));
        }
        awaitLines(balor, 40);
        Await.until("the last line is in the current file", () -> read(dir.resolve("access.log")).contains("\"/39\""));
        assertTrue(Files.exists(dir.resolve("access.log.1")) && Files.exists(dir.resolve("access.log.2")));
        assertFalse(Files.exists(dir.resolve("access.log.3")), "two rotated files are kept");
        for (String name : List.of("access.log", "access.log.1", "access.log.2")) {
            String text = Files.readString(dir.resolve(name));
            assertTrue(text.length() <= 1024 + 400, name + " is about the rotation size: " + text.length());
            for (String line : text.split("\n")) {
                assertTrue(line.startsWith("{\"time\":") && line.endsWith("}"), line);
            }
        }
        assertFalse(Files.readString(dir.resolve("access.log.2")).contains("\"/0\""), "the oldest lines are gone");
        assertEquals(0, balor.accessLogDropped());
    }

    @Test
    void anUnwritableDirectoryDropsAndCountsButNeverStopsTraffic() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "in the way");
        Balor balor = start(AccessLogOptions.MEMORY.inDirectory(notADirectory));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 20; i++) {
            assertEquals("200", get(web, "app.example", "/api/" + i), "traffic goes on");
        }
        awaitLines(balor, 20);
        Await.until("the lost lines are counted", () -> balor.accessLogDropped() == 20);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";   // not there yet, or being rotated this instant
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
