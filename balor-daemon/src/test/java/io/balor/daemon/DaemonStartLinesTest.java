package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static io.balor.daemon.AdminClient.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the daemon prints at start tells the truth (issue 12, part B): the admin URL it prints
 * answers (1), the first admin's password is mentioned only on the start that generated it (2),
 * and the access log's sampling is the one in effect, the saved {@code trace_sample} over the
 * environment (4). Real processes, restarted on the same state file.
 */
class DaemonStartLinesTest {

    @TempDir
    Path dir;

    /** Every stdout line up to and including the ready line. */
    private static List<String> linesUntilReady(DaemonProcess daemon) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        daemon.awaitLine(line -> lines.add(line) && line.startsWith("ready: "), WAIT);
        return lines;
    }

    private static void stop(DaemonProcess daemon) throws InterruptedException {
        daemon.terminate();
        assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
    }

    @Test
    void thePrintedUrlAnswersAndThePasswordIsMentionedOnlyWhenGenerated() throws Exception {
        Path state = dir.resolve("b/balor_state.json");
        Map<String, String> env = Map.of("BALOR_STATE_FILE", state.toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0");
        Path secret = dir.resolve("b/admin-bootstrap.txt");
        try (DaemonProcess first = DaemonProcess.start(dir, env)) {
            List<String> lines = linesUntilReady(first);
            assertTrue(lines.stream().anyMatch(line -> line.contains("a generated password for 'admin' is in " + secret)),
                    String.join("\n", lines));
            Matcher admin = AdminClient.ADMIN_LINE.matcher(lines.stream()
                    .filter(AdminClient.ADMIN_LINE.asPredicate()).findFirst().orElseThrow());
            assertTrue(admin.find());
            String url = admin.group(1) + "://" + admin.group(2) + "/api";
            String index = AdminClient.curl(url);
            assertTrue(index.startsWith("200 {\"api_version\""), url + " answers: " + index);
            assertTrue(index.contains("\"path\":\"/api/login\""), index);
            String missing = AdminClient.curl(url + "/nothing");
            assertTrue(missing.startsWith("404 ") && missing.contains("GET /api lists every endpoint"), missing);
            stop(first);
        }
        assertTrue(Files.exists(secret));
        try (DaemonProcess second = DaemonProcess.start(dir, env)) {
            List<String> lines = linesUntilReady(second);
            assertFalse(lines.stream().anyMatch(line -> line.contains("password")),
                    "nothing was generated, so nothing is said: " + String.join("\n", lines));
            stop(second);
        }
    }

    /**
     * Issue 13: a save killed between writing its temp file and renaming it left the temp file for
     * ever. At start the daemon removes those of its state file, says how many in one line, and
     * leaves every other file alone.
     */
    @Test
    void theTempFilesOfInterruptedSavesAreRemovedAtStartAndSaidSo() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path state = data.resolve("balor_state.json");
        Files.writeString(state, "{\"version\": 1, \"listeners\": [], \"pools\": []}\n");
        Files.writeString(data.resolve(".balor_state.json.4242.tmp"), "{\"version\": 1, \"lis");
        Files.writeString(data.resolve(".balor_state.json.8815212097375036711.tmp"), "");
        List<String> others = List.of(".balor_state.json.bak", "balor_state.json.1.tmp", ".other.json.1.tmp");
        for (String other : others) {
            Files.writeString(data.resolve(other), other);
        }
        Map<String, String> env = Map.of("BALOR_STATE_FILE", state.toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", "first-password");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            List<String> lines = linesUntilReady(daemon);
            assertTrue(lines.contains("removed 2 temp files of interrupted saves beside the state file"
                    + " (.balor_state.json.*.tmp)"), String.join("\n", lines));
            assertFalse(Files.exists(data.resolve(".balor_state.json.4242.tmp")));
            assertFalse(Files.exists(data.resolve(".balor_state.json.8815212097375036711.tmp")));
            for (String other : others) {
                assertEquals(other, Files.readString(data.resolve(other)), "untouched: " + other);
            }
            stop(daemon);
        }
        try (DaemonProcess again = DaemonProcess.start(dir, env)) {
            List<String> lines = linesUntilReady(again);
            assertFalse(lines.stream().anyMatch(line -> line.contains("temp file")), "none left: nothing said");
            stop(again);
        }
    }

    @Test
    void theSamplingPrintedIsTheSavedOneAfterARestart() throws Exception {
        Path state = dir.resolve("balor_state.json");
        Map<String, String> env = Map.of("BALOR_STATE_FILE", state.toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", "first-password");
        try (DaemonProcess first = DaemonProcess.start(dir, env)) {
            assertTrue(first.awaitLine(line -> line.startsWith("logs in "), WAIT)
                    .endsWith("/logs: access.log (every exchange), events.log"));
            AdminClient api = AdminClient.of(first);
            AdminClient.Answer put = api.send("PUT", "/api/logging", api.token("admin", "first-password"),
                    "{\"trace_sample\": 5000}");
            assertEquals(200, put.status(), put.toString());
            stop(first);
        }
        try (DaemonProcess second = DaemonProcess.start(dir, env)) {
            String logs = second.awaitLine(line -> line.startsWith("logs in "), WAIT);
            assertEquals("logs in " + dir.resolve("logs") + ": access.log (50.00 % of exchanges, the state file's"
                    + " trace_sample), events.log", logs);
            AdminClient api = AdminClient.of(second);
            assertEquals(5000, api.get("/api/logging", api.token("admin", "first-password")).json()
                    .get("trace_sample").asInt(), "the API says the same");
            stop(second);
        }
        Map<String, String> withKnob = new java.util.HashMap<>(env);
        withKnob.put("BALOR_ACCESS_LOG_SAMPLING", "10000");
        try (DaemonProcess third = DaemonProcess.start(dir, withKnob)) {
            assertTrue(third.awaitLine(line -> line.startsWith("logs in "), WAIT).contains("(50.00 % of exchanges"));
            third.awaitStderr("BALOR_ACCESS_LOG_SAMPLING=10000 is not used: the state file's trace_sample (5000", WAIT);
            stop(third);
        }
    }
}
