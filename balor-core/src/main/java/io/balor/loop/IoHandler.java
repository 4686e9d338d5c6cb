package io.balor.loop;

/**
 * What a selection key is attached to: the loop calls it with the key's ready operations. Called
 * on the owning loop's thread only.
 */
public interface IoHandler {

    /** The channel is ready for {@code readyOps} ({@link java.nio.channels.SelectionKey} bits). */
    void onReady(int readyOps);

    /**
     * {@link #onReady} threw: the handler must release what it holds. The loop logs nothing;
     * the handler decides what the failure means.
     */
    void onFailure(Throwable cause);
}
