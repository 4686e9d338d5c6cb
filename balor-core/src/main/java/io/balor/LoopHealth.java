package io.balor;

/**
 * Whether one event loop of a running Balor is doing its work ({@link Balor#loopHealth()}).
 *
 * <ul>
 *   <li>{@link #RUNNING}: it began an iteration within the stall limit (an idle loop still turns
 *       once a second);</li>
 *   <li>{@link #STALLED}: it has not begun one for longer (a handler that blocks or spins): its
 *       connections wait meanwhile; it may recover;</li>
 *   <li>{@link #DEAD}: its thread ended on a failure (its selector failed): its connections are
 *       gone and its listeners accept no more. Only a restart helps;</li>
 *   <li>{@link #STOPPED}: Balor is closing.</li>
 * </ul>
 *
 * @param index          the loop's position, from 0
 * @param thread         its thread's name ({@code balor-loop-0})
 * @param state          one of the four above
 * @param sinceTurnMillis how long ago its newest iteration began, on Balor's ticker
 * @param problem        what is wrong in words, or null when running or stopped
 */
public record LoopHealth(int index, String thread, String state, long sinceTurnMillis, String problem) {

    public static final String RUNNING = "running";
    public static final String STALLED = "stalled";
    public static final String DEAD = "dead";
    public static final String STOPPED = "stopped";

    /** Whether the loop does its work. */
    public boolean ok() {
        return RUNNING.equals(state);
    }
}
