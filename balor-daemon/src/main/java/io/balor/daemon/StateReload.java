package io.balor.daemon;

import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;
import io.balor.config.InvalidConfigException;
import sun.misc.Signal;

import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * SIGHUP: reads the state file again and makes it the running state, as nginx's and HAProxy's
 * reloads do, but in place (no new process, every socket a change keeps stays open). The file is
 * read and checked as at start; one that does not read, or does not apply (an address in use),
 * is refused with its problems on stderr, and Balor keeps running what it ran. The users are not
 * re-read (the admin server holds them; they are written back as they are): a user edited in the
 * file takes effect at the next start, and stderr says so when the file's differ.
 *
 * <p>Threads: the JVM runs each signal on a short-lived thread of its own; reloads are serialised
 * here, and the state store serialises them with the admin API's changes.
 */
final class StateReload {

    /** Who the history records a reload as. */
    static final String BY = "SIGHUP";

    private final StateStore store;
    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<BalorState> applied;

    private StateReload(StateStore store, PrintStream out, PrintStream err, Consumer<BalorState> applied) {
        this.store = store;
        this.out = out;
        this.err = err;
        this.applied = applied;
    }

    /**
     * Until {@link #install}: a SIGHUP is said and ignored (by default it would stop the JVM), so a
     * reload sent while the daemon starts does no harm.
     */
    static void ignoreUntilReady(PrintStream err) {
        try {
            Signal.handle(new Signal("HUP"), signal -> err.println("balor: SIGHUP while starting: ignored (send it"
                    + " again once the daemon says ready)"));
        } catch (IllegalArgumentException e) {
            // reported by install
        }
    }

    /**
     * Handles SIGHUP from now on.
     *
     * @param applied told each state a reload made running (to print its listeners)
     */
    static void install(StateStore store, PrintStream out, PrintStream err, Consumer<BalorState> applied) {
        StateReload reload = new StateReload(store, out, err, applied);
        try {
            Signal.handle(new Signal("HUP"), signal -> reload.reload());
        } catch (IllegalArgumentException e) {
            err.println("balor: warning: cannot handle SIGHUP (" + e.getMessage() + "); change the state through the"
                    + " admin API, or restart");
        }
    }

    /** Reads the file and applies it; every outcome is a line (stdout when applied, stderr when refused). */
    synchronized void reload() {
        BalorState read;
        try {
            read = StateFile.load(store.file());
        } catch (StateFileException e) {
            err.println("balor: SIGHUP: " + store.file() + " is refused, nothing changed: " + e.getMessage());
            return;
        }
        try {
            BalorState[] kept = new BalorState[1];
            StateStore.Applied result = store.change(BY, "state file re-read (SIGHUP)", running -> {
                kept[0] = running;
                BalorState next = read.withExtra("users", running.extras().get("users"));
                return next.equals(running) ? running : next;
            });
            if (!Objects.equals(read.extras().get("users"), kept[0].extras().get("users"))) {
                err.println("balor: SIGHUP: the users in " + store.file() + " are not re-read (the running ones are"
                        + " kept, and written back); restart to load users edited in the file");
            }
            if (result.after() == result.before()) {
                out.println("SIGHUP: " + store.file() + " re-read: nothing changed");
                return;
            }
            out.println("SIGHUP: " + store.file() + " re-read and applied");
            applied.accept(result.after());
        } catch (InvalidConfigException e) {
            err.println("balor: SIGHUP: " + store.file() + " does not apply, nothing changed: " + e.getMessage());
        } catch (StateFileException | RuntimeException e) {
            err.println("balor: SIGHUP: " + store.file() + " could not be applied, nothing changed: " + e.getMessage());
        }
    }
}
