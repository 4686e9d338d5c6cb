package io.balor.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.auth.LoginResult;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.auth.Principal;
import io.balor.admin.auth.Role;
import io.balor.admin.auth.User;
import io.balor.admin.auth.UserDirectory;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.JsonFields;
import io.balor.admin.http.Endpoint;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * {@code /api/login}, {@code /api/logout} and {@code /api/users} (admin only). A change is made
 * on a copy of the users first, saved to the state file, and only then made to the live users
 * (whose change listener revokes the user's sessions), so a change that cannot be saved changes
 * nothing. Password hashes never leave the server. Changes are serialised on this object; runs
 * on the API server's worker threads.
 */
final class UsersApi {

    static final String USERS = "users";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AdminContext context;

    UsersApi(AdminContext context) {
        this.context = context;
    }

    List<Endpoint> routes() {
        Access admin = Access.atLeast(Role.ADMIN);
        return List.of(
                Endpoint.post("/api/login", Access.PUBLIC, this::login),
                Endpoint.post("/api/logout", Access.atLeast(Role.VIEWER), this::logout),
                Endpoint.get("/api/users", admin, request -> ApiResponse.ok(list()).withAuditDetail("read the users")),
                Endpoint.post("/api/users", admin, this::create),
                Endpoint.get("/api/users/{name}", admin, request -> ApiResponse.ok(view(find(request.pathParam("name"))))
                        .withAuditDetail("read user " + request.pathParam("name"))),
                Endpoint.put("/api/users/{name}", admin, this::update),
                Endpoint.delete("/api/users/{name}", admin, this::delete));
    }

    private ApiResponse login(ApiRequest request) {
        JsonFields body = request.rejectUnknownKeys("username", "password");
        String username = body.requireText("username");
        char[] password = body.requireText("password").toCharArray();
        LoginResult result = context.auth().login(username, password, request.clientAddress().getAddress());
        java.util.Arrays.fill(password, '\0');
        if (result instanceof LoginResult.Ok ok) {
            Principal who = ok.issued().principal();
            ObjectNode answer = NODES.objectNode().put("token", ok.issued().token()).put("username", who.username())
                    .put("role", who.role().wire()).put("expires_at", ok.issued().expiresAt().toString());
            return ApiResponse.ok(answer).withAuditDetail("login").withAuditPrincipal(who);
        }
        ApiException refusal;
        if (result instanceof LoginResult.Throttled throttled) {
            refusal = ApiException.tooManyRequests(throttled.retryAfterSeconds());
        } else if (result instanceof LoginResult.Busy busy) {
            refusal = ApiException.serviceUnavailable("too many logins at once", busy.retryAfterSeconds());
        } else {
            refusal = ApiException.unauthorized(LoginResult.BAD_CREDENTIALS, "check the username and password");
        }
        // The name tried goes to the audit, at most as long as a username can be.
        return ApiResponse.refusal(refusal).withAttemptedUser(username.length() <= User.MAX_USERNAME_LENGTH
                ? username : username.substring(0, User.MAX_USERNAME_LENGTH) + "...");
    }

    private ApiResponse logout(ApiRequest request) {
        ConfigApi.noBody(request);
        context.auth().logout(request.principal());
        return ApiResponse.noContent().withAuditDetail("logout");
    }

    private ArrayNode list() {
        ArrayNode list = NODES.arrayNode();
        context.auth().users().list().forEach(user -> list.add(view(user)));
        return list;
    }

    private static ObjectNode view(User user) {
        ObjectNode node = NODES.objectNode().put("username", user.username()).put("role", user.role().wire());
        node.put("created_at", user.createdAt() == null ? null : user.createdAt().toString());
        node.put("password_login", PasswordHasher.isSupported(user.passwordHash()));
        return node;
    }

    /** A user as its audit record shows it: the hash is there only to say that it changed (it is redacted). */
    private static ObjectNode audited(User user) {
        return NODES.objectNode().put("username", user.username()).put("role", user.role().wire())
                .put("password_hash", user.passwordHash());
    }

    private User find(String name) {
        return context.auth().users().find(name).orElseThrow(() -> notFound(name));
    }

    private ApiResponse create(ApiRequest request) {
        JsonFields body = request.rejectUnknownKeys("username", "password", "role");
        String username = body.requireText("username");
        String problem = User.usernameProblem(username);
        if (problem != null) {
            throw ApiException.badRequest("username", problem, "letters, digits, '.', '_' and '-', a letter or digit first");
        }
        Role role = role(body.optionalText("role", Role.VIEWER.wire()));
        User user = new User(username, role, hash(body.requireText("password"), "password"), context.clock().instant());
        change(username, users -> users.add(user));
        return ApiResponse.created(view(user)).withAuditDetail("created user " + username + " (" + role.wire() + ")")
                .withAuditChange(null, audited(user));
    }

    private ApiResponse update(ApiRequest request) {
        String name = request.pathParam("name");
        find(name);
        JsonFields body = request.rejectUnknownKeys("password", "role");
        String password = body.optionalText("password");
        String roleText = body.optionalText("role");
        if (password == null && roleText == null) {
            throw ApiException.badRequest(null, "nothing to change", "send a new password, a new role, or both");
        }
        Role role = roleText == null ? null : role(roleText);
        String hash = password == null ? null : hash(password, "password");
        UserChange changed = change(name, users -> {
            if (role != null && role != users.find(name).orElseThrow().role()) {
                users.changeRole(name, role);
            }
            if (hash != null) {
                users.changePassword(name, hash);
            }
        });
        User after = changed.after();
        User before = changed.before();
        return ApiResponse.ok(view(after)).withAuditDetail("updated user " + name
                + (role != null ? " role " + role.wire() : "") + (hash != null ? " password" : "")
                + (hash != null ? forgetBootstrapSecret(name) : ""))
                .withAuditChange(audited(before), audited(after));
    }

    private ApiResponse delete(ApiRequest request) {
        String name = request.pathParam("name");
        find(name);
        User before = change(name, users -> users.delete(name)).before();
        return ApiResponse.noContent().withAuditDetail("deleted user " + name + forgetBootstrapSecret(name))
                .withAuditChange(audited(before), null);
    }

    /**
     * Removes the bootstrap secret file if it holds user {@code name}'s generated password, which
     * no longer logs in ({@link io.balor.admin.auth.Bootstrap#forget}); what to add to the audit
     * detail. A file that cannot be removed is logged, and the change stands.
     */
    private String forgetBootstrapSecret(String name) {
        try {
            return io.balor.admin.auth.Bootstrap.forget(context.bootstrapSecretFile(), name)
                    ? "; removed the stale bootstrap file " + context.bootstrapSecretFile() : "";
        } catch (java.io.IOException e) {
            System.getLogger(UsersApi.class.getName()).log(System.Logger.Level.WARNING, "the bootstrap file "
                    + context.bootstrapSecretFile() + " holds a password that no longer logs in, and could not be"
                    + " removed: " + e + "; delete it");
            return "; the stale bootstrap file could not be removed";
        }
    }

    /**
     * Makes {@code change} to a copy, saves the copy, then makes it to the live users; answers user
     * {@code name} before and after (either null where there is none), read under this lock.
     */
    private synchronized UserChange change(String name, Consumer<UserDirectory> change) {
        UserDirectory live = context.auth().users();
        UserDirectory copy = new UserDirectory(live.list());
        User before = live.find(name).orElse(null);
        run(change, copy);
        context.change(state -> state.withExtra(USERS, UsersSection.write(copy, NODES)));
        run(change, live);
        return new UserChange(before, live.find(name).orElse(null));
    }

    /** A user before and after a change (null where there is none). */
    private record UserChange(User before, User after) {
    }

    private static void run(Consumer<UserDirectory> change, UserDirectory users) {
        try {
            change.accept(users);
        } catch (NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage(), "GET /api/users lists them");
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), "");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage(), "");
        }
    }

    private String hash(String password, String field) {
        String problem = PasswordHasher.passwordProblem(password.toCharArray());
        if (problem != null) {
            throw ApiException.badRequest(field, problem, "use 8 to 1024 characters");
        }
        return context.auth().hasher().hash(password.toCharArray());
    }

    private static Role role(String text) {
        Role role = Role.parse(text);
        if (role == null) {
            throw ApiException.badRequest("role", "role must be admin, operator or viewer, was '" + text + "'",
                    "admin: everything; operator: listeners and pools, and reading all but users and secrets;"
                            + " viewer: reading only");
        }
        return role;
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no user '" + name + "'", "GET /api/users lists them");
    }
}
