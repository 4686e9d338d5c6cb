package io.balor.admin.http;

import io.balor.admin.auth.Principal;
import io.balor.admin.auth.Role;

import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Who may call a {@link Endpoint}: anyone ({@link #PUBLIC}), anyone whose role covers a minimum
 * ({@link #atLeast(Role)}), or whoever a rule admits ({@link #when}, e.g. {@link #adminOrSelf}).
 * Immutable; any thread (rules must be stateless).
 *
 * <p>For every access but {@link #PUBLIC}, a request without a valid principal gets 401 and one
 * whose principal the access does not admit gets 403. A rule sees the routed request, so it can
 * compare the principal with a path parameter.
 */
public final class Access {

    /** No credentials needed (a valid token still gives the handler its principal). */
    public static final Access PUBLIC = new Access("anyone", null, null);

    private final String description;
    private final BiPredicate<Principal, ApiRequest> rule;
    /** The least role admitted, for {@link #atLeast}; null otherwise. */
    private final Role minimum;

    private Access(String description, BiPredicate<Principal, ApiRequest> rule, Role minimum) {
        this.description = description;
        this.rule = rule;
        this.minimum = minimum;
    }

    /** A principal whose role {@linkplain Role#covers covers} {@code minimum}. */
    public static Access atLeast(Role minimum) {
        Objects.requireNonNull(minimum, "minimum");
        return new Access("the " + minimum.wire() + " role or higher",
                (principal, request) -> principal.role().covers(minimum), minimum);
    }

    /**
     * A principal {@code rule} admits; {@code description} says who that is, in the words of the
     * 403 hint ("admin, or the user themself").
     */
    public static Access when(String description, BiPredicate<Principal, ApiRequest> rule) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(rule, "rule");
        return new Access(description, rule, null);
    }

    /** An admin, or the user the path parameter {@code usernameParam} names. */
    public static Access adminOrSelf(String usernameParam) {
        Objects.requireNonNull(usernameParam, "usernameParam");
        return when("admin, or the user themself", (principal, request) -> principal.role() == Role.ADMIN
                || principal.username().equals(request.pathParam(usernameParam)));
    }

    /** Whether no credentials are needed. */
    public boolean isPublic() {
        return rule == null;
    }

    /** Whether {@code principal} (not null) may make {@code request}. */
    public boolean allows(Principal principal, ApiRequest request) {
        return rule == null || rule.test(principal, request);
    }

    /**
     * Who may call, in one word where there is one: {@code public}, the least role
     * ({@code viewer}, {@code operator}, {@code admin}), else the {@link #description()} of the rule.
     */
    public String minimumRole() {
        return rule == null ? "public" : minimum != null ? minimum.wire() : description;
    }

    /** Who may call, in words ("the operator role or higher"). */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "Access[" + description + "]";
    }
}
