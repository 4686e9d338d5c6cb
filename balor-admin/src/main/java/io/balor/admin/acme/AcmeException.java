package io.balor.admin.acme;

import java.time.Instant;
import java.util.Optional;

/**
 * An ACME step that failed: names the {@link #step} ({@code "newOrder"}, {@code "authorization
 * for x.test"}, {@code "finalize"} ...), carries the server's {@link AcmeProblem} when it sent
 * one, and the moment its {@code Retry-After} allows another try (rate limits, RFC 8555 §6.6).
 * Thrown on the caller's thread; immutable.
 */
public final class AcmeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String step;
    private final transient AcmeProblem problem;
    private final Instant retryAfter;

    /** A failure with no problem document (the CA unreachable, a malformed answer ...). */
    public AcmeException(String step, String message, Throwable cause) {
        super(step + ": " + message, cause);
        this.step = step;
        this.problem = null;
        this.retryAfter = null;
    }

    public AcmeException(String step, String message) {
        this(step, message, null);
    }

    /** A problem document the server sent; {@code retryAfter} null when it sent no Retry-After. */
    public AcmeException(String step, AcmeProblem problem, Instant retryAfter) {
        super(step + ": " + problem + (retryAfter == null ? "" : " (retry after " + retryAfter + ")"));
        this.step = step;
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    /** The step that failed, such as {@code "newAccount"} or {@code "authorization for x.test"}. */
    public String step() {
        return step;
    }

    /** The server's problem document, if it sent one. */
    public Optional<AcmeProblem> problem() {
        return Optional.ofNullable(problem);
    }

    /** When the server said to try again ({@code Retry-After}), if it did. */
    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether the CA refused for a rate limit ({@code urn:ietf:params:acme:error:rateLimited}). */
    public boolean rateLimited() {
        return problem != null && problem.rateLimited();
    }
}
