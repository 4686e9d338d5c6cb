package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;

import static io.balor.daemon.AdminClient.WAIT;
import static io.balor.daemon.AdminClient.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console as the daemon serves it, to curl: the built-in page at {@code /} with its
 * policy, a file under its build, and {@code BALOR_ADMIN_DIST} replacing the files or, when it
 * is not a console directory, stopping the start (exit 1) with the reason.
 */
class DaemonWebConsoleTest {

    @TempDir
    Path dir;

    private Map<String, String> env(String... extra) throws Exception {
        Path state = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
        Files.writeString(state, "{\"version\": 1, \"listeners\": [], \"pools\": []}");
        AdminClient.chmod(state, "rw-------");
        Map<String, String> env = AdminClient.env(dir, state, extra);
        env.put("BALOR_HTTP_ADDR", "127.0.0.1:0");
        env.put("BALOR_DEFAULT_ADMIN_PASSWORD", "first-password");
        return env;
    }

    @Test
    void theBuiltInConsoleIsServedAtTheAdminAddress() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, env())) {
            Matcher admin = AdminClient.adminLine(daemon);
            String base = "http://" + admin.group(2);
            String page = curl("-D", "-", base + "/");
            assertTrue(page.startsWith("200 "), page);
            assertTrue(page.toLowerCase().contains("content-security-policy: default-src 'self'"), page);
            java.util.regex.Matcher script = java.util.regex.Pattern.compile("/assets/([0-9a-f]{12})/app.js")
                    .matcher(page);
            assertTrue(script.find(), page);
            String app = curl("-D", "-", base + script.group());
            assertTrue(app.startsWith("200 ") && app.toLowerCase().contains("cache-control: public, max-age=31536000,"
                    + " immutable"), app);
            assertTrue(curl(base + "/api/nothing").startsWith("404 {\"error\":\"no such API path\""));
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    @Test
    void balorAdminDistReplacesTheFilesOrStopsTheStart() throws Exception {
        Path own = Files.createDirectories(dir.resolve("console"));
        Files.writeString(own.resolve("index.html"), "<p>our console %BUILD%</p>");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env("BALOR_ADMIN_DIST", own.toString()))) {
            Matcher admin = AdminClient.adminLine(daemon);
            String page = curl("http://" + admin.group(2) + "/listeners");
            assertTrue(page.matches("(?s)200 <p>our console [0-9a-f]{12}</p>"), page);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (DaemonProcess daemon = DaemonProcess.start(dir, env("BALOR_ADMIN_DIST", empty.toString()))) {
            assertEquals(1, daemon.awaitExit(WAIT), daemon.stderr());
            assertTrue(daemon.stderr().contains("BALOR_ADMIN_DIST") && daemon.stderr().contains("no index.html"),
                    daemon.stderr());
        }
    }
}
