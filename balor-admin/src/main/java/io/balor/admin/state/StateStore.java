package io.balor.admin.state;

import io.balor.Balor;
import io.balor.config.BalorConfig;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The running state and its file, changed together: a change is applied live through
 * {@link Balor#apply} first, and only an applied change is saved; a change that does not apply
 * (invalid, a port in use) leaves both the runtime and the file as they were. If the save fails
 * after the apply succeeded, the previous config is applied again, so the runtime never runs
 * what the file does not hold. Changes are serialised (one at a time, in call order per
 * thread); {@link #current()} is a volatile read from any thread. Blocking: file I/O and the
 * apply's wait for the loops, so never call it on an event loop.
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
     * @throws StateFileException if the file cannot be written (the runtime is back to the old config)
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
            if (configChanged) {
                balor.apply(after.config());
            }
            try {
                StateFile.save(file, after);
            } catch (StateFileException e) {
                if (configChanged) {
                    restore(before.config());
                }
                throw e;
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
