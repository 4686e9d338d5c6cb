package io.balor.health;

import io.balor.upstream.Upstream;

/**
 * One kind of health probe. {@link #run} blocks for at most about {@code timeoutNanos}: it runs
 * on the health checker's threads (or a test's), never on an event loop.
 */
interface Probe {

    /**
     * Probes {@code upstream} once.
     *
     * @return null if it is healthy, else a short reason ("connect: Connection refused",
     *         "status 503", "timed out after 2000 ms, killed")
     */
    String run(Upstream upstream, long timeoutNanos);

    /** The reason for an I/O failure: its message, else its type. */
    static String reason(String step, Exception e) {
        String message = e.getMessage();
        return step + ": " + (message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
    }
}
