package io.balor.admin.api;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a condition that another thread makes true (an access-log record written, a health
 * check's verdict), checking it again every few milliseconds until a deadline: the test then
 * fails naming what it waited for. Never a fixed sleep standing in for the condition.
 */
public final class Await {

    /** A condition that may throw (an HTTP call, a JSON parse). */
    public interface Check {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    public static void until(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000);   // the polling interval, not a guess at how long it takes
        }
    }

    public static void until(String what, Check check) throws Exception {
        until(what, Duration.ofSeconds(10), check);
    }
}
