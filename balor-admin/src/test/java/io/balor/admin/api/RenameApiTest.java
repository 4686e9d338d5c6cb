package io.balor.admin.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PUT whose body names another object than its path (issue 12, part B, point 6): refused with
 * 400 on {@code name}, nothing changed, for listeners and pools alike; with {@code ?rename=true}
 * it is a rename, answered 200 with {@code Location} at the new name.
 */
class RenameApiTest {

    private static final String L4 = "{\"name\": \"%s\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"pool\": \"app\"}";
    private static final String POOL = "{\"name\": \"%s\", \"upstreams\": [\"127.0.0.1:9\"]}";

    @TempDir
    Path dir;

    @Test
    void aNameInTheBodyThatDiffersFromThePathIsRefused() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String operator = admin.user("olga", "operator");
            admin.create("/api/pools", POOL.formatted("app"));
            admin.create("/api/pools", POOL.formatted("spare"));
            admin.create("/api/listeners", L4.formatted("l4"));
            byte[] file = StateFileView.bytes(admin);
            for (String[] put : new String[][] {
                    {"/api/listeners/l4", L4.formatted("other"), "listener 'l4'", "/api/listeners/l4?rename=true"},
                    {"/api/pools/spare", POOL.formatted("other"), "pool 'spare'", "/api/pools/spare?rename=true"}}) {
                HttpResponse<String> refused = admin.call("PUT", put[0], operator, put[1]);
                assertEquals(400, refused.statusCode(), refused.body());
                assertEquals("name", json(refused).get("field").asText(), refused.body());
                assertTrue(json(refused).get("error").asText().contains("differs from the path"), refused.body());
                String hint = json(refused).get("hint").asText();
                assertTrue(hint.contains("to rename " + put[2] + " to 'other'") && hint.contains(put[3]), hint);
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "nothing was renamed");
            assertEquals(200, admin.call("GET", "/api/listeners/l4", operator, null).statusCode());
            assertEquals(200, admin.call("GET", "/api/pools/spare", operator, null).statusCode());
            HttpResponse<String> bad = admin.call("PUT", "/api/listeners/l4?rename=yes", operator, L4.formatted("other"));
            assertEquals(400, bad.statusCode(), bad.body());
            assertEquals("rename", json(bad).get("field").asText(), bad.body());
            assertArrayEquals(file, StateFileView.bytes(admin));
        }
    }

    @Test
    void aRenameAskedForAnswersWhereTheObjectNowIs() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", POOL.formatted("app"));
            admin.create("/api/pools", POOL.formatted("spare"));
            admin.create("/api/listeners", L4.formatted("l4"));
            HttpResponse<String> listener = admin.call("PUT", "/api/listeners/l4?rename=true", ADMIN_TOKEN,
                    L4.formatted("other"));
            assertEquals(200, listener.statusCode(), listener.body());
            assertEquals("/api/listeners/other", listener.headers().firstValue("Location").orElse(null));
            assertEquals("other", json(listener).get("id").asText());
            assertEquals(404, admin.call("GET", "/api/listeners/l4", ADMIN_TOKEN, null).statusCode());
            assertEquals(200, admin.call("GET", "/api/listeners/other", ADMIN_TOKEN, null).statusCode());
            assertNull(StateFileView.item(admin, "listeners", "l4"));
            StateFileView.assertSaved(admin, "listeners", json(listener));

            HttpResponse<String> pool = admin.call("PUT", "/api/pools/spare?rename=true", ADMIN_TOKEN,
                    POOL.formatted("reserve"));
            assertEquals(200, pool.statusCode(), pool.body());
            assertEquals("/api/pools/reserve", pool.headers().firstValue("Location").orElse(null));
            assertEquals(404, admin.call("GET", "/api/pools/spare", ADMIN_TOKEN, null).statusCode());

            HttpResponse<String> same = admin.call("PUT", "/api/pools/reserve?rename=true", ADMIN_TOKEN,
                    POOL.formatted("reserve"));
            assertEquals(200, same.statusCode(), "the same name is an ordinary update: " + same.body());
            assertTrue(same.headers().firstValue("Location").isEmpty(), "nothing moved");
            assertTrue(AuditLogView.audit(admin).stream().anyMatch(r -> r.toString()
                    .contains("renamed listener l4 to other")), "the audit says it was a rename");
        }
    }
}
