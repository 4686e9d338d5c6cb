package io.balor.admin.acme;

import java.time.Instant;

/**
 * Where one ACME job stands, as the API shows it and {@link AcmeJobStore} keeps it across
 * restarts: the original's {@code AcmeStatus} ({@code state}, {@code message}, {@code not_after},
 * {@code next_retry}, {@code attempts}) with the last problem the CA sent kept whole (the
 * original lost its failures). Immutable.
 *
 * @param state         {@link #PENDING} (asked for, or renewing), {@link #VALID} (a certificate is served)
 *                      or {@link #FAILED} (the last attempt failed; a certificate issued before may
 *                      still be served, see {@code notAfter})
 * @param message       what happened last, in a sentence
 * @param notAfter      when the certificate served ends, or null before the first one
 * @param nextAttempt   when the job runs next (a renewal, or a retry), or null
 * @param attempts      attempts since the last success (0 after one)
 * @param problemType   the last failure's RFC 7807 problem type (e.g. {@code urn:ietf:params:acme:error:rateLimited}),
 *                      or null
 * @param problemDetail that problem's detail, or null
 */
public record AcmeStatus(String state, String message, Instant notAfter, Instant nextAttempt, int attempts,
                         String problemType, String problemDetail) {

    public static final String PENDING = "pending";
    public static final String VALID = "valid";
    public static final String FAILED = "failed";

    public AcmeStatus {
        if (!PENDING.equals(state) && !VALID.equals(state) && !FAILED.equals(state)) {
            throw new IllegalArgumentException("an ACME job is pending, valid or failed, not " + state);
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts cannot be negative");
        }
    }

    /** A job just asked for, to run at {@code now}. */
    public static AcmeStatus pending(Instant now) {
        return new AcmeStatus(PENDING, "waiting for its first attempt", null, now, 0, null, null);
    }
}
