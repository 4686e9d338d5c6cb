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
        assertEquals("0.0.0.0:9443", env.adminAddress().authority());
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 1024), env.loops());
        assertEquals(Path.of("data/certs"), env.certDir());
        assertEquals(Path.of("data/acme-challenges"), env.acmeChallengeDir());
        assertNull(env.adminDist());
        assertNull(env.defaultAdminPassword());
        assertNull(env.adminToken());
        assertEquals(Path.of("data/admin-bootstrap.txt"), env.bootstrapSecretFile());
    }

    @Test
    void everyKnobIsRead() {
        DaemonEnv env = DaemonEnv.parse(Map.of(
                "BALOR_STATE_FILE", "/var/lib/balor/state.json",
                "BALOR_HTTP_ADDR", "127.0.0.1:19443",
                "BALOR_LOOPS", " 3 ",
                "BALOR_CERT_DIR", "/etc/balor/certs",
                "BALOR_ACME_CHALLENGE_DIR", "/var/lib/balor/acme",
                "BALOR_ADMIN_DIST", "/opt/balor/console",
                "BALOR_DEFAULT_ADMIN_PASSWORD", "s3cret-pass",
                "BALOR_ADMIN_TOKEN", "t0ken",
                "BALOR_BOOTSTRAP_SECRET_FILE", "/root/bootstrap.txt"));
        assertEquals(Path.of("/var/lib/balor/state.json"), env.stateFile());
        assertEquals("127.0.0.1", env.adminAddress().host());
        assertEquals(19443, env.adminAddress().port());
        assertEquals(3, env.loops());
        assertEquals(Path.of("/etc/balor/certs"), env.certDir());
        assertEquals(Path.of("/var/lib/balor/acme"), env.acmeChallengeDir());
        assertEquals(Path.of("/opt/balor/console"), env.adminDist());
        assertEquals("s3cret-pass", env.defaultAdminPassword());
        assertEquals("t0ken", env.adminToken());
        assertEquals(Path.of("/root/bootstrap.txt"), env.bootstrapSecretFile());
        assertFalse(env.toString().contains("s3cret-pass"), env.toString());
        assertFalse(env.toString().contains("t0ken"), env.toString());
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
    void unknownBalorVariablesAreListed() {
        assertEquals(List.of("BALOR_LOOP", "BALOR_STATEFILE"), DaemonEnv.unknownVariables(Map.of(
                "BALOR_STATEFILE", "x", "BALOR_LOOP", "2", "BALOR_LOOPS", "2", "HOME", "/root")));
    }
}
