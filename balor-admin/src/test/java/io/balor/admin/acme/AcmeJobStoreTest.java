package io.balor.admin.acme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ACME job statuses on disk: kept across a restart, owner-only, a broken file set aside. */
class AcmeJobStoreTest {

    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void statusesSurviveARestartWithTheirProblem() throws Exception {
        Path acme = dir.resolve("acme");
        AcmeJobStore store = new AcmeJobStore(acme);
        AcmeStatus failed = new AcmeStatus(AcmeStatus.FAILED, "the CA refused the order", null, NOW.plusSeconds(300), 1,
                "urn:ietf:params:acme:error:rateLimited", "too many certificates for example.com");
        store.put("route:web/shop.example", failed);
        store.put("standalone:console.example", AcmeStatus.pending(NOW));
        AcmeStatus valid = new AcmeStatus(AcmeStatus.VALID, "issued", NOW.plusSeconds(86_400), NOW.plusSeconds(3600), 0,
                null, null);
        store.put("standalone:console.example", valid);

        AcmeJobStore again = new AcmeJobStore(acme);
        assertEquals(Map.of("route:web/shop.example", failed, "standalone:console.example", valid), again.all());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(acme.resolve("jobs.json"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(acme)));

        again.put("route:web/shop.example", null);
        assertNull(new AcmeJobStore(acme).get("route:web/shop.example"), "a forgotten job stays forgotten");
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheJobsStartAfresh() throws Exception {
        Path acme = Files.createDirectories(dir.resolve("acme"));
        Files.writeString(acme.resolve("jobs.json"), "{\"version\": 1, \"jobs\": {\"x\": {\"state\": \"weird\"}}}");
        AcmeJobStore store = new AcmeJobStore(acme);
        assertTrue(store.all().isEmpty());
        assertTrue(Files.exists(acme.resolve("jobs.json.unreadable")), "kept for a person to look at");
        store.put("x", AcmeStatus.pending(NOW));
        assertEquals(AcmeStatus.pending(NOW), new AcmeJobStore(acme).get("x"));
    }

    @Test
    void aStatusIsOneOfThreeStates() {
        assertThrows(IllegalArgumentException.class, () -> new AcmeStatus("issued", "", null, null, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new AcmeStatus(AcmeStatus.VALID, "", null, null, -1, null, null));
    }
}
