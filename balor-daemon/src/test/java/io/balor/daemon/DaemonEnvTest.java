package io.balor.daemon;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the BALOR_* knobs from a map. */
class DaemonEnvTest {

    @Test
    void defaultsAreTheOriginals() {
        DaemonEnv env = DaemonEnv.parse(Map.of("PATH", "/usr/bin"));
        assertEquals(Path.of("data/balor_state.json"), env.stateFile());
        assertEquals("127.0.0.1:9443", env.adminAddress().authority(), "loopback unless asked, as Caddy's admin");
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 1024), env.loops());
        assertEquals(Path.of("data/certs"), env.certDir());
        assertEquals(Path.of("data/acme"), env.acmeDir());
        assertNull(env.acmeCaFile());
        assertNull(env.acmeEab());
        assertFalse(env.acmeDisabled());
        assertNull(env.adminDist());
        assertNull(env.defaultAdminPassword());
        assertNull(env.adminToken());
        assertEquals(Path.of("data/admin-bootstrap.txt"), env.bootstrapSecretFile());
        assertEquals(Path.of("data/logs"), env.logDir());
        assertEquals(64L * 1024 * 1024, env.logMaxBytes());
        assertEquals(5, env.logKeep());
        assertEquals(10_000, env.accessLogSampling());
        assertEquals(List.of(), env.adminHosts());
        assertNull(env.healthScriptDir(), "script checks are off unless the owner names a directory");
        assertEquals(java.time.Duration.ofMinutes(30), env.sessionIdle());
        assertEquals(java.time.Duration.ofHours(12), env.sessionMax());
        assertFalse(env.strictModes());
        assertEquals(Path.of("data/control.sock"), env.controlSocket());
    }

    @Test
    void theHardeningKnobs() {
        DaemonEnv env = DaemonEnv.parse(Map.of("BALOR_ADMIN_HOSTS", "balor.example.com, 10.0.0.5,[::1]",
                "BALOR_HEALTH_SCRIPT_DIR", "/etc/balor/checks", "BALOR_SESSION_IDLE_SECONDS", "600",
                "BALOR_SESSION_MAX_SECONDS", "3600", "BALOR_STRICT_MODES", "true", "BALOR_CONTROL_SOCKET", "/run/b.sock"));
        assertEquals(List.of("balor.example.com", "10.0.0.5", "[::1]"), env.adminHosts());
        assertEquals(Path.of("/etc/balor/checks"), env.healthScriptDir());
        assertEquals(java.time.Duration.ofMinutes(10), env.sessionIdle());
        assertEquals(java.time.Duration.ofHours(1), env.sessionMax());
        assertTrue(env.strictModes());
        assertEquals(Path.of("/run/b.sock"), env.controlSocket());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonEnv.parse(Map.of(
                "BALOR_ADMIN_HOSTS", "https://x.example/", "BALOR_SESSION_IDLE_SECONDS", "5",
                "BALOR_SESSION_MAX_SECONDS", "99999999", "BALOR_STRICT_MODES", "yes")));
        List<String> lines = List.of(e.getMessage().split("\n"));
        assertEquals(4, lines.size(), e.getMessage());
        assertTrue(lines.get(1).startsWith("BALOR_ADMIN_HOSTS: 'https://x.example/' is not a host name"), lines.get(1));
        assertEquals(java.time.Duration.ofMinutes(15), DaemonEnv.parse(Map.of("BALOR_SESSION_MAX_SECONDS", "900"))
                .sessionIdle(), "unset, the idle expiry is the whole life when that is shorter than 30 min");
        IllegalArgumentException secrets = assertThrows(IllegalArgumentException.class, () -> DaemonEnv.parse(Map.of(
                "BALOR_ADMIN_TOKEN", "tiny-tok", "BALOR_DEFAULT_ADMIN_PASSWORD", "pw123")));
        assertTrue(secrets.getMessage().contains("BALOR_DEFAULT_ADMIN_PASSWORD: a password must be 8 to 1024")
                && secrets.getMessage().contains("BALOR_ADMIN_TOKEN: must be 16 to 1024"), secrets.getMessage());
        assertFalse(secrets.getMessage().contains("tiny-tok") || secrets.getMessage().contains("pw123"),
                "a secret is never printed: " + secrets.getMessage());
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class, () -> DaemonEnv.parse(Map.of(
                "BALOR_SESSION_IDLE_SECONDS", "7200", "BALOR_SESSION_MAX_SECONDS", "3600")));
        assertTrue(longer.getMessage().contains("must not be longer than BALOR_SESSION_MAX_SECONDS"), longer.getMessage());
    }

    @Test
    void everyKnobIsRead() {
        DaemonEnv env = DaemonEnv.parse(Map.ofEntries(
                Map.entry("BALOR_STATE_FILE", "/var/lib/balor/state.json"),
                Map.entry("BALOR_HTTP_ADDR", "127.0.0.1:19443"),
                Map.entry("BALOR_LOOPS", " 3 "),
                Map.entry("BALOR_CERT_DIR", "/etc/balor/certs"),
                Map.entry("BALOR_ACME_DIR", "/var/lib/balor/acme"),
                Map.entry("BALOR_ACME_CA_FILE", "/etc/balor/acme-ca.pem"),
                Map.entry("BALOR_ACME_DISABLED", "true"),
                Map.entry("BALOR_ADMIN_DIST", "/opt/balor/console"),
                Map.entry("BALOR_DEFAULT_ADMIN_PASSWORD", "s3cret-pass"),
                Map.entry("BALOR_ADMIN_TOKEN", "t0ken-0123456789abcdef"),
                Map.entry("BALOR_BOOTSTRAP_SECRET_FILE", "/root/bootstrap.txt"),
                Map.entry("BALOR_LOG_DIR", "/var/log/balor"),
                Map.entry("BALOR_LOG_MAX_BYTES", "1048576"),
                Map.entry("BALOR_LOG_KEEP", " 0 "),
                Map.entry("BALOR_ACCESS_LOG_SAMPLING", "2500")));
        assertEquals(Path.of("/var/lib/balor/state.json"), env.stateFile());
        assertEquals("127.0.0.1", env.adminAddress().host());
        assertEquals(19443, env.adminAddress().port());
        assertEquals(3, env.loops());
        assertEquals(Path.of("/etc/balor/certs"), env.certDir());
        assertEquals(Path.of("/var/lib/balor/acme"), env.acmeDir());
        assertEquals(Path.of("/etc/balor/acme-ca.pem"), env.acmeCaFile());
        assertTrue(env.acmeDisabled());
        assertEquals(Path.of("/opt/balor/console"), env.adminDist());
        assertEquals("s3cret-pass", env.defaultAdminPassword());
        assertEquals("t0ken-0123456789abcdef", env.adminToken());
        assertEquals(Path.of("/root/bootstrap.txt"), env.bootstrapSecretFile());
        assertEquals(Path.of("/var/log/balor"), env.logDir());
        assertEquals(1_048_576, env.logMaxBytes());
        assertEquals(0, env.logKeep());
        assertEquals(2_500, env.accessLogSampling());
        assertFalse(env.toString().contains("s3cret-pass"), env.toString());
        assertFalse(env.toString().contains("t0ken"), env.toString());
    }

    /** Issue 12, part B, point 14: two daemons on two state files share no data unless told to. */
    @Test
    void theDataDefaultsToTheStateFilesDirectory() {
        DaemonEnv elsewhere = DaemonEnv.parse(Map.of("BALOR_STATE_FILE", "/srv/balor-b/state.json"));
        assertEquals(Path.of("/srv/balor-b/certs"), elsewhere.certDir());
        assertEquals(Path.of("/srv/balor-b/acme"), elsewhere.acmeDir());
        assertEquals(Path.of("/srv/balor-b/admin-bootstrap.txt"), elsewhere.bootstrapSecretFile());
        assertEquals(Path.of("/srv/balor-b/logs"), elsewhere.logDir());
        assertEquals(Path.of("/srv/balor-b/control.sock"), elsewhere.controlSocket());

        DaemonEnv relative = DaemonEnv.parse(Map.of("BALOR_STATE_FILE", "b/state.json"));
        assertEquals(Path.of("b/logs"), relative.logDir(), "relative as the state file is, from the working directory");
        assertEquals(Path.of("logs"), DaemonEnv.parse(Map.of("BALOR_STATE_FILE", "state.json")).logDir());

        DaemonEnv explicit = DaemonEnv.parse(Map.of("BALOR_STATE_FILE", "/srv/balor-b/state.json",
                "BALOR_LOG_DIR", "/var/log/b", "BALOR_CONTROL_SOCKET", "/run/b.sock"));
        assertEquals(Path.of("/var/log/b"), explicit.logDir(), "a knob set explicitly wins");
        assertEquals(Path.of("/run/b.sock"), explicit.controlSocket());
        assertEquals(Path.of("/srv/balor-b/certs"), explicit.certDir());
    }

    @Test
    void emptyValuesCountAsUnset() {
        DaemonEnv env = DaemonEnv.parse(Map.of("BALOR_LOOPS", "", "BALOR_ADMIN_TOKEN", "", "BALOR_STATE_FILE", ""));
        assertNull(env.adminToken());
        assertEquals(Path.of("data/balor_state.json"), env.stateFile());
    }

    @Test
    void invalidValuesNameTheirVariables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonEnv.parse(Map.of(
                "BALOR_LOOPS", "many",
                "BALOR_HTTP_ADDR", "localhost",
                "BALOR_CERT_DIR", "bad\0path")));
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length, e.getMessage());
        assertTrue(lines[0].startsWith("BALOR_HTTP_ADDR = 'localhost': "), lines[0]);
        assertTrue(lines[1].startsWith("BALOR_LOOPS: must be a whole number"), lines[1]);
        assertTrue(lines[2].startsWith("BALOR_CERT_DIR: "), lines[2]);
    }

    @Test
    void loopsMustBeInRange() {
        for (String value : new String[] {"0", "-1", "1025", "1.5", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonEnv.parse(Map.of("BALOR_LOOPS", value)), value);
            assertTrue(e.getMessage().startsWith("BALOR_LOOPS:"), e.getMessage());
        }
        assertEquals(1024, DaemonEnv.parse(Map.of("BALOR_LOOPS", "1024")).loops());
    }

    @Test
    void aRelativeLogDirIsTakenAsGiven() {
        // Like BALOR_STATE_FILE and BALOR_CERT_DIR: relative to the daemon's working directory
        // (scripts/run makes a caller's relative path absolute first).
        assertEquals(Path.of("logs/balor"), DaemonEnv.parse(Map.of("BALOR_LOG_DIR", "logs/balor")).logDir());
    }

    @Test
    void logSizesMustBeInRange() {
        for (String value : new String[] {"1023", "0", "-5", "64M", "1.5", "99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonEnv.parse(Map.of("BALOR_LOG_MAX_BYTES", value)), value);
            assertEquals("BALOR_LOG_MAX_BYTES: must be a whole number of bytes, at least 1024 (1 KiB), was '"
                    + value + "'", e.getMessage());
        }
        assertEquals(1024, DaemonEnv.parse(Map.of("BALOR_LOG_MAX_BYTES", "1024")).logMaxBytes());
        for (String value : new String[] {"-1", "1001", "five"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonEnv.parse(Map.of("BALOR_LOG_KEEP", value)), value);
            assertEquals("BALOR_LOG_KEEP: must be a whole number of rotated files from 0 to 1000, was '" + value + "'",
                    e.getMessage());
        }
        assertEquals(1000, DaemonEnv.parse(Map.of("BALOR_LOG_KEEP", "1000")).logKeep());
        assertThrows(IllegalArgumentException.class, () -> DaemonEnv.parse(Map.of("BALOR_LOG_DIR", "bad\0dir")));
    }

    @Test
    void accessLogSamplingIsOneToTenThousandNotClamped() {
        String[][] cases = {{"1", "1"}, {"10000", "10000"}, {" 250 ", "250"}, {"+7", "7"}};
        for (String[] c : cases) {
            assertEquals(Integer.parseInt(c[1]), DaemonEnv.parse(Map.of("BALOR_ACCESS_LOG_SAMPLING", c[0]))
                    .accessLogSampling(), c[0]);
        }
        for (String value : new String[] {"all", "25%", "0.5", "1e4", "0", "-20", "10001", "99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonEnv.parse(Map.of("BALOR_ACCESS_LOG_SAMPLING", value)), value);
            assertTrue(e.getMessage().startsWith("BALOR_ACCESS_LOG_SAMPLING: must be a whole number of exchanges per"
                    + " 10000") && e.getMessage().endsWith(", was '" + value + "'"), e.getMessage());
        }
    }

    @Test
    void unknownBalorVariablesAreListed() {
        assertEquals(List.of("BALOR_LOOP", "BALOR_STATEFILE"), DaemonEnv.unknownVariables(Map.of(
                "BALOR_STATEFILE", "x", "BALOR_LOOP", "2", "BALOR_LOOPS", "2", "HOME", "/root")));
    }
}
