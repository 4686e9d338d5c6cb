package io.balor.admin.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing cannot be used to lock the owner out: ten minutes (of the test clock) of one wrong
 * guess at {@code admin2} every 3 s from 20 rotating loopback addresses, over real HTTP; then the
 * right password from 127.0.0.1, where {@code admin2} logged in before, gets 200 at once, while
 * from an address it never logged in from it waits ({@code 429} with {@code Retry-After}) until the
 * guesses stop or {@code unlock} clears the throttle. Each failed login is in the anonymous audit
 * with the username it tried.
 */
class LockoutApiTest {

    @TempDir
    Path dir;

    @Test
    void tenMinutesOfGuessesFromTwentyAddressesDoNotLockTheOwnerOut() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(201, admin.call("POST", "/api/users", ADMIN_TOKEN,
                    "{\"username\": \"admin2\", \"password\": \"admin2-password\", \"role\": \"admin\"}").statusCode());
            admin.login("admin2", "admin2-password");   // from 127.0.0.1: its address from now on

            Map<Integer, Integer> answers = new TreeMap<>();
            for (int i = 0; i < 200; i++) {
                String from = "127.0.2." + (i % 20 + 1);
                RawHttp.Answer guess = RawHttp.post(admin, from, "/api/login",
                        "{\"username\": \"admin2\", \"password\": \"guess-" + i + "\"}");
                answers.merge(guess.status(), 1, Integer::sum);
                admin.clock.advance(Duration.ofSeconds(3));
            }
            assertEquals(List.of(401, 429), List.copyOf(answers.keySet()), "guesses are refused or slowed: " + answers);
            assertTrue(answers.get(429) > answers.get(401), "most guesses are throttled, without hashing: " + answers);

            RawHttp.Answer owner = RawHttp.post(admin, "127.0.0.1", "/api/login",
                    "{\"username\": \"admin2\", \"password\": \"admin2-password\"}");
            assertEquals(200, owner.status(), "the owner's usual address: " + owner.body());

            RawHttp.Answer fresh = RawHttp.post(admin, "127.0.3.1", "/api/login",
                    "{\"username\": \"admin2\", \"password\": \"admin2-password\"}");
            assertEquals(429, fresh.status(), "a new address waits while the attack goes on: " + fresh.body());
            long retryAfter = Long.parseLong(fresh.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 900, "Retry-After " + retryAfter);
            System.out.println("LockoutApiTest: 200 guesses got " + answers + "; the owner's address 200, a new address"
                    + " 429 Retry-After " + retryAfter);

            assertTrue(admin.server.authenticator().unlock("admin2"), "what balorctl users unlock does");
            assertEquals(200, RawHttp.post(admin, "127.0.3.1", "/api/login",
                    "{\"username\": \"admin2\", \"password\": \"admin2-password\"}").status());

            admin.close();   // writes the last minute's summaries
            String anonymous = Files.readString(dir.resolve("data/logs/audit-anonymous.log"));
            // A client's guesses are a minute apart here: each is its client's first of its minute, so written whole.
            assertEquals(201, anonymous.lines().filter(line -> line.contains("\"login\":\"admin2\"")).count(),
                    "every refused guess (and the owner's 429 from the new address) is audited with the username tried");
            assertFalse(Files.readString(dir.resolve("data/logs/audit.log")).contains("guess-"), "no password anywhere");
            assertFalse(anonymous.contains("guess-"));
        }
    }
}
