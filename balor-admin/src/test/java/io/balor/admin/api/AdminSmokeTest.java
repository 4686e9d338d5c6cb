package io.balor.admin.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fixture starts, the public endpoints answer, the bootstrap admin logs in. */
class AdminSmokeTest {

    @TempDir
    Path dir;

    @Test
    void publicEndpointsAndTheBootstrapAdmin() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(200, admin.call("GET", "/api/health", null, null).statusCode());
            HttpResponse<String> version = admin.call("GET", "/api/version", null, null);
            assertEquals("test", AdminFixture.json(version).get("build").asText(), version.body());
            String token = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            HttpResponse<String> listeners = admin.call("GET", "/api/listeners", token, null);
            assertEquals(200, listeners.statusCode(), listeners.body());
            assertEquals("[]", listeners.body());
            assertEquals(401, admin.call("GET", "/api/listeners", null, null).statusCode());
        }
    }
}
