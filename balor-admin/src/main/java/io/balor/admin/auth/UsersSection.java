package io.balor.admin.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state file's {@code users} section: an array of
 * {@code {"username", "role", "password_hash", "created_at"}} objects, {@code created_at} an
 * ISO-8601 instant ({@code 2025-01-31T12:00:00Z}), absent for users imported from the original
 * Balor, which did not record it. Stateless; any thread.
 *
 * <p>Reading is strict, like the rest of the state file: an unknown key, a value of the wrong
 * type, an invalid username, an unknown role, a duplicate username or an unreadable time is a
 * {@link ConfigProblem} named by its path ({@code users[1].role}); every problem of the section
 * is reported at once. A password hash is only checked to be a non-empty string: one this version
 * cannot verify loads, and {@link Authenticator} says it needs a reset when that user tries to log
 * in, rather than refusing to start (the original Balor's Argon2id hashes verify: {@link PasswordHasher}).
 */
public final class UsersSection {

    public static final String USERNAME = "username";
    public static final String ROLE = "role";
    public static final String PASSWORD_HASH = "password_hash";
    public static final String CREATED_AT = "created_at";
    /** The keys of one user, in the order they are written. */
    public static final List<String> KEYS = List.of(USERNAME, ROLE, PASSWORD_HASH, CREATED_AT);

    private UsersSection() {
    }

    /**
     * The users in {@code node}; an empty directory when it is null, missing or JSON null.
     *
     * @param path where {@code node} is in the document, {@code users} for the state file
     * @throws InvalidConfigException listing every problem, each with its path
     */
    public static UserDirectory read(JsonNode node, String path) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new UserDirectory();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (!node.isArray()) {
            problems.add(new ConfigProblem(path, "must be an array of users, was " + describe(node)));
            throw new InvalidConfigException(problems);
        }
        List<User> users = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            User user = readUser(node.get(i), at, problems, seen);
            if (user != null) {
                users.add(user);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new UserDirectory(users);
    }

    /** The section for {@code users}, in the directory's order. */
    public static ArrayNode write(UserDirectory users, JsonNodeFactory nodes) {
        ArrayNode array = nodes.arrayNode();
        for (User user : users.list()) {
            ObjectNode object = array.addObject()
                    .put(USERNAME, user.username())
                    .put(ROLE, user.role().wire())
                    .put(PASSWORD_HASH, user.passwordHash());
            if (user.createdAt() != null) {
                object.put(CREATED_AT, user.createdAt().toString());
            }
        }
        return array;
    }

    /** The user at {@code at}, or null if it has problems (all added to {@code problems}). */
    private static User readUser(JsonNode node, String at, List<ConfigProblem> problems, Map<String, String> seen) {
        if (!node.isObject()) {
            problems.add(new ConfigProblem(at, "must be an object, was " + describe(node)));
            return null;
        }
        int before = problems.size();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!KEYS.contains(field.getKey())) {
                problems.add(new ConfigProblem(at + "." + field.getKey(),
                        "unknown key (known here: " + String.join(", ", KEYS) + ")"));
            }
        }
        String username = text(node, USERNAME, at, true, problems);
        if (username != null) {
            String problem = User.usernameProblem(username);
            String first = seen.putIfAbsent(username, at);
            if (problem != null) {
                problems.add(new ConfigProblem(at + "." + USERNAME, problem));
            } else if (first != null) {
                problems.add(new ConfigProblem(at + "." + USERNAME,
                        "duplicate username '" + username + "' (also at " + first + ")"));
            }
        }
        String roleName = text(node, ROLE, at, true, problems);
        Role role = roleName == null ? null : Role.parse(roleName);
        if (roleName != null && role == null) {
            problems.add(new ConfigProblem(at + "." + ROLE, "unknown role '" + roleName
                    + "' (known: admin, operator, viewer)"));
        }
        String hash = text(node, PASSWORD_HASH, at, true, problems);
        String created = text(node, CREATED_AT, at, false, problems);
        Instant createdAt = null;
        if (created != null) {
            try {
                createdAt = Instant.parse(created);
            } catch (DateTimeParseException e) {
                problems.add(new ConfigProblem(at + "." + CREATED_AT,
                        "must be an ISO-8601 instant such as 2025-01-31T12:00:00Z, was '" + created + "'"));
            }
        }
        if (problems.size() != before) {
            return null;
        }
        return new User(username, role, hash, createdAt);
    }

    /** A string field; null when absent or JSON null (a problem if {@code required}), or not a non-empty string. */
    private static String text(JsonNode node, String key, String at, boolean required, List<ConfigProblem> problems) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(new ConfigProblem(at + "." + key, "is required"));
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new ConfigProblem(at + "." + key, "must be a string, was " + describe(value)));
            return null;
        }
        if (value.textValue().isEmpty()) {
            problems.add(new ConfigProblem(at + "." + key, "must not be empty"));
            return null;
        }
        return value.textValue();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }
}
