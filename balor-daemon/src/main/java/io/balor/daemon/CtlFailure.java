package io.balor.daemon;

/**
 * Why a {@link BalorCtl} command stopped: the message for the operator (it may span lines: a
 * file's problems, one per line) and the exit code, {@link BalorCtl#EXIT_FAILED} or
 * {@link BalorCtl#EXIT_USAGE}. Thrown by the commands and turned into a message on stderr and
 * that exit code by {@link BalorCtl#run}; never escapes it.
 */
final class CtlFailure extends Exception {

    private final int exitCode;

    private CtlFailure(String message, int exitCode, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
    }

    /** The command could not do its work (an invalid file, an unknown user, an I/O error): exit 1. */
    static CtlFailure failed(String message) {
        return new CtlFailure(message, BalorCtl.EXIT_FAILED, null);
    }

    /** As {@link #failed(String)}, keeping the cause. */
    static CtlFailure failed(String message, Throwable cause) {
        return new CtlFailure(message, BalorCtl.EXIT_FAILED, cause);
    }

    /** The command line itself is wrong: exit 2, with the usage text after the message. */
    static CtlFailure usage(String message) {
        return new CtlFailure(message, BalorCtl.EXIT_USAGE, null);
    }

    int exitCode() {
        return exitCode;
    }
}
