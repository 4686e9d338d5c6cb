package io.balor.admin.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.auth.UserDirectoryTest.HASH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersSectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode parse(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static List<ConfigProblem> refused(String json) throws Exception {
        JsonNode node = parse(json);
        return assertThrows(InvalidConfigException.class, () -> UsersSection.read(node, "users")).problems();
    }

    @Test
    void roundTrip() throws Exception {
        UserDirectory users = new UserDirectory(List.of(
                new User("root", Role.ADMIN, HASH, Instant.parse("2025-01-31T12:00:00Z")),
                new User("alice", Role.OPERATOR, HASH, Instant.parse("2025-02-01T08:30:15.250Z")),
                new User("old", Role.VIEWER, "$argon2id$v=19$m=19456,t=2,p=1$abc$def", null)));
        ArrayNode written = UsersSection.write(users, JsonNodeFactory.instance);
        assertEquals(parse("""
                [{'username': 'root', 'role': 'admin', 'password_hash': '%s', 'created_at': '2025-01-31T12:00:00Z'},
                 {'username': 'alice', 'role': 'operator', 'password_hash': '%s',
                  'created_at': '2025-02-01T08:30:15.250Z'},
                 {'username': 'old', 'role': 'viewer', 'password_hash': '$argon2id$v=19$m=19456,t=2,p=1$abc$def'}]
                """.formatted(HASH, HASH)), written);
        List<String> keys = new ArrayList<>();
        written.get(0).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("username", "role", "password_hash", "created_at"), keys, "key order");
        UserDirectory read = UsersSection.read(JSON.readTree(JSON.writeValueAsString(written)), "users");
        assertEquals(users.list(), read.list());
    }

    @Test
    void theOriginalBalorsUsersLoad() throws Exception {
        UserDirectory users = UsersSection.read(parse("""
                [{'username': 'admin', 'password_hash': '$argon2id$v=19$m=19456,t=2,p=1$abc$def', 'role': 'admin'}]
                """), "users");
        User admin = users.find("admin").orElseThrow();
        assertEquals(Role.ADMIN, admin.role());
        assertNull(admin.createdAt(), "not invented");
        assertTrue(!PasswordHasher.isSupported(admin.passwordHash()));
    }

    @Test
    void absentSectionIsNoUsers() throws Exception {
        assertEquals(0, UsersSection.read(null, "users").size());
        assertEquals(0, UsersSection.read(parse("null"), "users").size());
        assertEquals(0, UsersSection.read(parse("[]"), "users").size());
    }

    @Test
    void everyProblemIsListedWithItsPath() throws Exception {
        List<ConfigProblem> problems = refused("""
                [{'username': 'root', 'role': 'admin', 'password_hash': 'h'},
                 {'username': 'alice', 'role': 'superuser', 'password_hash': 'h'},
                 {'username': 'root', 'role': 'viewer', 'password_hash': 'h'},
                 {'username': 'bob', 'role': 'viewer', 'password_hash': 'h', 'email': 'b@x'},
                 {'username': 'carol', 'role': 'viewer', 'password_hash': 'h', 'created_at': 'yesterday'},
                 'dave',
                 {'username': 'erin', 'role': 'viewer'},
                 {'username': 7, 'role': ['admin'], 'password_hash': ''},
                 {'username': 'john doe', 'role': 'viewer', 'password_hash': 'h', 'created_at': 5}]
                """);
        assertEquals(List.of("users[1].role", "users[2].username", "users[3].email", "users[4].created_at",
                "users[5]", "users[6].password_hash", "users[7].username", "users[7].role",
                "users[7].password_hash", "users[8].username", "users[8].created_at"),
                problems.stream().map(ConfigProblem::path).toList(), problems.toString());
        assertEquals("unknown role 'superuser' (known: admin, operator, viewer)", problems.get(0).message());
        assertEquals("duplicate username 'root' (also at users[0])", problems.get(1).message());
        assertTrue(problems.get(2).message().startsWith("unknown key"), problems.get(2).message());
        assertTrue(problems.get(3).message().contains("ISO-8601"), problems.get(3).message());
        assertEquals("must be an object, was a string", problems.get(4).message());
        assertEquals("is required", problems.get(5).message());
        assertEquals("must be a string, was a number", problems.get(6).message());
        assertEquals("must be a string, was an array", problems.get(7).message());
        assertEquals("must not be empty", problems.get(8).message());
        assertTrue(problems.get(9).message().startsWith("a username is 1 to 64 letters, digits"), problems.get(9).message());
    }

    @Test
    void notAnArray() throws Exception {
        List<ConfigProblem> problems = refused("{'username': 'root'}");
        assertEquals(List.of(new ConfigProblem("users", "must be an array of users, was an object")), problems);
    }
}
