package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserDirectoryTest {

    static final String HASH = "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$3TDQwd5s9p7Frasrat2dAxDilfhYX9mxPBEteXXyB/w";
    static final Instant CREATED = Instant.parse("2025-01-31T12:00:00Z");

    static User user(String name, Role role) {
        return new User(name, role, HASH, CREATED);
    }

    @Test
    void addFindListChangeDelete() {
        UserDirectory users = new UserDirectory();
        users.add(user("root", Role.ADMIN));
        users.add(user("alice", Role.OPERATOR));
        users.add(user("bob", Role.VIEWER));
        assertEquals(List.of("root", "alice", "bob"), users.list().stream().map(User::username).toList(),
                "in the order added");
        assertEquals(Role.OPERATOR, users.find("alice").orElseThrow().role());
        assertTrue(users.find("Alice").isEmpty(), "usernames are case-sensitive");
        assertEquals(Role.ADMIN, users.changeRole("alice", Role.ADMIN).role());
        assertEquals("new", users.changePassword("bob", "new").passwordHash());
        assertEquals("bob", users.delete("bob").username());
        assertEquals(2, users.size());
        assertEquals(2, users.adminCount());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> users.add(user("root", Role.VIEWER)));
        assertTrue(twice.getMessage().contains("already exists"), twice.getMessage());
        assertThrows(NoSuchElementException.class, () -> users.delete("bob"));
        assertThrows(NoSuchElementException.class, () -> users.changeRole("bob", Role.ADMIN));
        assertThrows(NoSuchElementException.class, () -> users.changePassword("bob", HASH));
    }

    @Test
    void lastAdminCanBeNeitherDeletedNorDemoted() {
        UserDirectory users = new UserDirectory(List.of(user("root", Role.ADMIN), user("alice", Role.OPERATOR)));
        IllegalStateException delete = assertThrows(IllegalStateException.class, () -> users.delete("root"));
        assertTrue(delete.getMessage().contains("'root' is the last admin and cannot be deleted"), delete.getMessage());
        assertTrue(delete.getMessage().contains("make another user an admin first"), delete.getMessage());
        IllegalStateException demote = assertThrows(IllegalStateException.class,
                () -> users.changeRole("root", Role.VIEWER));
        assertTrue(demote.getMessage().contains("cannot be made a viewer"), demote.getMessage());
        assertEquals(Role.ADMIN, users.find("root").orElseThrow().role(), "nothing changed");

        users.changeRole("alice", Role.ADMIN);
        users.changeRole("root", Role.OPERATOR);
        assertThrows(IllegalStateException.class, () -> users.delete("alice"));
        users.delete("root");
        assertEquals(List.of("alice"), users.list().stream().map(User::username).toList());
    }

    @Test
    void accessChangesAreReported() {
        UserDirectory users = new UserDirectory(List.of(user("root", Role.ADMIN), user("alice", Role.OPERATOR)));
        List<String> changed = new ArrayList<>();
        users.onAccessChange(changed::add);
        users.changeRole("alice", Role.OPERATOR);
        assertEquals(List.of(), changed, "no change, nothing to revoke");
        users.changeRole("alice", Role.VIEWER);
        users.changePassword("root", HASH);
        users.delete("alice");
        assertEquals(List.of("alice", "root", "alice"), changed);
        users.add(user("bob", Role.VIEWER));
        assertEquals(3, changed.size(), "adding gives nobody new access to revoke");
    }

    @Test
    void addIfEmptyOnlyAddsTheFirstUser() {
        UserDirectory users = new UserDirectory();
        assertTrue(users.addIfEmpty(user("admin", Role.ADMIN)));
        assertFalse(users.addIfEmpty(user("other", Role.ADMIN)));
        assertEquals(1, users.size());
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new UserDirectory(List.of(user("a", Role.ADMIN), user("a", Role.VIEWER))));
    }

    @Test
    void usernameRules() {
        for (String ok : List.of("a", "admin", "john.doe", "ops_team-1", "9lives", "x".repeat(64))) {
            assertNull(User.usernameProblem(ok), ok);
        }
        for (String bad : List.of("", "x".repeat(65), "john doe", "bøb", "a/b", "a:b", "tab\t", Principal.ADMIN_TOKEN,
                "..", ".hidden", "-rf", "_x", "john.doe@example.com")) {
            assertThrows(IllegalArgumentException.class, () -> user(bad, Role.VIEWER), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new User(null, Role.VIEWER, HASH, CREATED));
        assertThrows(IllegalArgumentException.class, () -> new User("a", Role.VIEWER, "", CREATED));
        assertThrows(NullPointerException.class, () -> new User("a", null, HASH, CREATED));
    }

    @Test
    void toStringLeavesTheHashOut() {
        String text = user("alice", Role.OPERATOR).toString();
        assertFalse(text.contains(HASH), text);
        assertTrue(text.contains("alice") && text.contains("operator"), text);
    }
}
