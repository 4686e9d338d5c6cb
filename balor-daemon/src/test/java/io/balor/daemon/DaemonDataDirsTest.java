package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.balor.daemon.AdminClient.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two daemons started from one working directory on two state files, with no data knob set
 * (issue 12, part B, point 14): each keeps its logs and audit, bootstrap secret and control
 * socket beside its own state file (its certificate directory too: {@link DaemonEnvTest}), so they
 * share nothing, and nothing is made in the working directory's {@code data/}.
 */
class DaemonDataDirsTest {

    @TempDir
    Path dir;

    @Test
    void twoDaemonsOnTwoStateFilesKeepTheirDataApart() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (DaemonProcess first = start(a); DaemonProcess second = start(b)) {
            for (Object[] daemon : new Object[][] {{first, a}, {second, b}}) {
                DaemonProcess process = (DaemonProcess) daemon[0];
                Path home = (Path) daemon[1];
                assertTrue(process.awaitLine(line -> line.startsWith("logs in "), WAIT)
                        .startsWith("logs in " + home.resolve("logs") + ": "));
                process.awaitLine(line -> line.contains("a generated password for 'admin' is in "
                        + home.resolve("admin-bootstrap.txt")), WAIT);
                AdminClient api = AdminClient.of(process);
                assertEquals("control socket " + home.resolve("control.sock") + " (balorctl users unlock)",
                        process.awaitLine(line -> line.startsWith("control socket "), WAIT));
                String token = api.token("admin", password(home));
                AdminClient.Answer pool = api.post("/api/pools", token,
                        "{\"name\": \"p-" + home.getFileName() + "\", \"upstreams\": [\"127.0.0.1:9\"]}");
                assertEquals(201, pool.status(), pool.toString());
            }
            for (Path home : new Path[] {a, b}) {
                String other = home.equals(a) ? "p-b" : "p-a";
                AdminClient.awaitFile(home.resolve("logs/audit.log"), text -> text.contains("created pool p-"
                        + home.getFileName()));
                assertFalse(Files.readString(home.resolve("logs/audit.log")).contains(other),
                        "each audit log has its own daemon's changes only");
            }
            first.terminate();
            second.terminate();
            assertEquals(0, first.awaitExit(WAIT), first.stderr());
            assertEquals(0, second.awaitExit(WAIT), second.stderr());
        }
        assertFalse(Files.exists(dir.resolve("data")), "nothing in the working directory's data/");
    }

    /** A daemon on {@code home/balor_state.json}, working in the shared directory, no data knob set. */
    private DaemonProcess start(Path home) throws Exception {
        return DaemonProcess.start(dir, Map.of("BALOR_STATE_FILE", home.resolve("balor_state.json").toString(),
                "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0"));
    }

    /** The generated password in {@code home}'s bootstrap file. */
    private static String password(Path home) throws Exception {
        return Files.readAllLines(home.resolve("admin-bootstrap.txt")).stream()
                .filter(line -> line.startsWith("password: ")).findFirst().orElseThrow()
                .substring("password: ".length());
    }
}
