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
 * volatile read from any thread. Blocking: file I/O and the apply's wait for the loops, so never
 * call it on an event loop.
 */
public final class StateStore {

    private final Path file;
    private final Balor balor;
    private final ReentrantLock changing = new ReentrantLock(true);
    private volatile BalorState current;

    /** @param loaded what {@code file} holds and {@code balor} runs now */
    public StateStore(Path file, Balor balor, BalorState loaded) {
        this.file = file.toAbsolutePath();
        this.balor = balor;
        this.current = loaded;
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
        changing.lock();
        try {
            BalorState before = current;
            BalorState after = change.apply(before);
            if (after == before) {
                return before;
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
            return after;
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
