package io.balor.admin.acme.dns;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a TXT value DNS-01 published is visible, before the CA is asked to validate it:
 * asks a {@link TxtResolver} again every {@code interval} until the value is among the name's
 * TXT values or the deadline passes. Immutable; the calling (ACME) thread blocks in
 * {@link #awaitTxt}, never longer than until the deadline plus one query's timeout.
 */
public final class TxtPropagation {

    private final TxtResolver resolver;
    private final Clock clock;
    private final Duration interval;

    /**
     * @param clock    the time the deadline is compared with
     * @param interval how long to wait between two queries (bounded by the time left)
     */
    public TxtPropagation(TxtResolver resolver, Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.resolver = resolver;
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * Returns once {@code value} is a TXT value of {@code fqdn} at the resolver.
     *
     * @throws IOException            when it is still not by {@code deadline}: the message names the
     *                                record, the server and what it answered last
     * @throws InterruptedIOException when the thread is interrupted while waiting
     */
    public void awaitTxt(String fqdn, String value, Instant deadline) throws IOException {
        String last = "nothing yet";
        while (true) {
            try {
                List<String> values = resolver.lookup(fqdn);
                if (values.contains(value)) {
                    return;
                }
                last = values.isEmpty() ? "no TXT record" : "only " + values;
            } catch (IOException e) {
                if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
                    throw e;
                }
                last = e.getMessage();          // a lost datagram or a SERVFAIL may pass: ask again
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new IOException("TXT " + fqdn + " did not show the expected value at " + resolver.server()
                        + " by " + deadline + " (last answer: " + last + ")");
            }
            LockSupport.parkNanos(Math.min(interval.toNanos(), left.toNanos()));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for TXT " + fqdn);
            }
        }
    }
}
