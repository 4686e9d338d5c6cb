package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.balor.daemon.AdminClient.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP re-reads the state file: a valid change is applied in place (a new listener serves, the
 * old one keeps its port), an invalid file is refused with its problem on stderr and Balor keeps
 * running what it ran, and a file that did not change changes nothing. curl is the client.
 */
class DaemonReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LISTENER = Pattern.compile("listener (\\w+) \\(http\\) on 127\\.0\\.0\\.1:(\\d+) -> .*");

    @TempDir
    Path dir;

    @Test
    void sighupAppliesAValidFileAndRefusesAnInvalidOneWhileServing() throws Exception {
        com.sun.net.httpserver.HttpServer upstream = AdminClient.helloUpstream();
        try {
            Path stateFile = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
            String pool = "\"pools\": [{\"name\": \"app\", \"upstreams\": [\"http://127.0.0.1:"
                    + upstream.getAddress().getPort() + "\"]}]";
            String one = "{\"name\": \"one\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}";
            String two = "{\"name\": \"two\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}";
            Files.writeString(stateFile, "{\"version\": 1, \"listeners\": [" + one + "], " + pool + "}");
            Map<String, String> env = AdminClient.env(dir, stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0");
            try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
                Matcher first = LISTENER.matcher(daemon.awaitLine(LISTENER.asPredicate(), WAIT));
                assertTrue(first.matches());
                String onePort = first.group(2);
                daemon.awaitLine(line -> line.startsWith("ready:") && line.contains("SIGHUP re-reads"), WAIT);

                Files.writeString(stateFile, "{\"version\": 1, \"listeners\": [" + one + ", " + two + "], " + pool + "}");
                daemon.hangUp();
                daemon.awaitLine(line -> line.endsWith("re-read and applied"), WAIT);
                Matcher again = LISTENER.matcher(daemon.awaitLine(line -> line.startsWith("listener one "), WAIT));
                assertTrue(again.matches());
                assertEquals(onePort, again.group(2), "the listener kept is the same socket");
                Matcher added = LISTENER.matcher(daemon.awaitLine(line -> line.startsWith("listener two "), WAIT));
                assertTrue(added.matches());
                assertEquals("200 hello", curl("http://127.0.0.1:" + added.group(2) + "/"), "the new listener serves");

                Files.writeString(stateFile, "{\"version\": 1, \"listeners\": [{\"name\": \"three\", \"listen\":"
                        + " \"127.0.0.1:99999\", \"protocol\": \"http\", \"pool\": \"app\"}], " + pool + "}");
                daemon.hangUp();
                daemon.awaitStderr("balor: SIGHUP: " + stateFile.toAbsolutePath() + " is refused, nothing changed", WAIT);
                assertTrue(daemon.stderr().contains("listeners[0].listen"), daemon.stderr());
                assertEquals("200 hello", curl("http://127.0.0.1:" + onePort + "/"), "still serving what it ran");
                assertEquals("200 hello", curl("http://127.0.0.1:" + added.group(2) + "/"));

                daemon.terminate();
                assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            }
        } finally {
            upstream.stop(0);
        }
    }
}
