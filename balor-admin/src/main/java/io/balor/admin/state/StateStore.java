package io.balor.admin.state;

import io.balor.Balor;
import io.balor.config.BalorConfig;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The running state and its file, changed together, in three steps:
 * <ol>
 *   <li>the new state is written beside the file, complete and fsynced ({@link StateFile#prepare}).
 *   A file that cannot be written (a directory that refuses it, a full disk) refuses the change
 *   here, before the runtime is touched: no listener closes, not even for a moment.</li>
 *   <li>the change is applied live ({@link Balor#apply}). One that does not apply (invalid, a
 *   port in use) drops what step 1 wrote: runtime and file stay as they were.</li>
 *   <li>the written state is renamed over the file (the commit). If even that fails, the
 *   previous config is applied again, so the runtime never runs what the file does not hold.</li>
 * </ol>
 * Changes are serialised (one at a time, in call order per thread); {@link #current()} is a
 * volatile read from any thread. After a change of the config is committed, and under the same
 * lock, it is recorded in the {@link ChangeHistory} with who made it and why (a history that
 * cannot be written is logged and does not undo the change); a refused change records nothing.
 * Blocking: file I/O and the apply's wait for the loops, so never call it on an event loop.
 */
public final class StateStore {

    /** Who a change made through {@link #change(UnaryOperator)} (not by a caller that says who) is by. */
    public static final String SYSTEM = "balor";

    /**
     * A change made: the state it was made to, the state it made (the same object when nothing
     * changed), and the version it was recorded as (null when the config did not change or the
     * history could not be written).
     */
    public record Applied(BalorState before, BalorState after, ChangeHistory.Version version) {
    }

    private final Path file;
    private final Balor balor;
    private final ChangeHistory history;
    private final ReentrantLock changing = new ReentrantLock(true);
    private volatile BalorState current;

    /**
     * A store whose history is beside {@code file}, keeping {@link ChangeHistory#DEFAULT_KEEP}
     * versions, timed by the system clock.
     *
     * @param loaded what {@code file} holds and {@code balor} runs now
     */
    public StateStore(Path file, Balor balor, BalorState loaded) {
        this(file, balor, loaded, ChangeHistory.open(file, ChangeHistory.DEFAULT_KEEP, java.time.Clock.systemUTC()));
    }

    /**
     * A store recording into {@code history} (opened for {@code file}); records {@code loaded} as
     * a version when it is not the newest one ({@link ChangeHistory#recordStart}).
     */
    public StateStore(Path file, Balor balor, BalorState loaded, ChangeHistory history) {
        this.file = file.toAbsolutePath();
        this.balor = balor;
        this.current = loaded;
        this.history = history;
        changing.lock();
        try {
            history.recordStart(loaded);
        } finally {
            changing.unlock();
        }
    }

    public BalorState current() {
        return current;
    }

    /** The state file. */
    public Path file() {
        return file;
    }

    public Balor balor() {
        return balor;
    }

    /** The versions of the config, recorded by this store. */
    public ChangeHistory history() {
        return history;
    }

    /**
     * Makes {@code change(current)} the running and saved state. A change that leaves the config
     * alone (users, settings) is only saved.
     *
     * @return the new state
     * @throws io.balor.config.InvalidConfigException if the new config cannot be applied (nothing
     *                                                changed then)
     * @throws StateFileException if the file cannot be written: nothing was applied, or (when only
     *                            the final rename failed) the runtime is back to the old config
     */
    public BalorState change(UnaryOperator<BalorState> change) throws StateFileException {
        return change(SYSTEM, "configuration changed", change).after();
    }

    /**
     * As {@link #change(UnaryOperator)}; a change of the config is recorded in the history as by
     * {@code by} (a user name) with {@code summary} (one line, as the audit record's detail).
     */
    public Applied change(String by, String summary, UnaryOperator<BalorState> change) throws StateFileException {
        changing.lock();
        try {
            BalorState before = current;
            BalorState after = change.apply(before);
            if (after == before) {
                return new Applied(before, before, null);
            }
            boolean configChanged = !after.config().equals(before.config());
            try (StateFile.Save save = StateFile.prepare(file, after)) {   // refused here: nothing applied
                if (configChanged) {
                    balor.apply(after.config());   // refused here: the prepared save is dropped
                }
                try {
                    save.commit();
                } catch (StateFileException e) {
                    if (configChanged) {
                        restore(before.config());
                    }
                    throw e;
                }
            }
            current = after;
            return new Applied(before, after, configChanged ? history.record(by, summary, after) : null);
        } finally {
            changing.unlock();
        }
    }

    private void restore(BalorConfig config) {
        try {
            balor.apply(config);
        } catch (RuntimeException e) {
            // The old config ran a moment ago; if it cannot be applied again the runtime keeps the new one.
            System.getLogger(StateStore.class.getName()).log(System.Logger.Level.ERROR,
                    "the state file could not be written and the previous config could not be applied again", e);
        }
    }
}
