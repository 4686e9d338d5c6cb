package io.balor;

import java.time.Instant;

/**
 * One of Balor's own log events, as opposed to an access-log record: a listener that failed, an
 * accept that failed, an upstream whose health check changed its state, a certificate that
 * loaded or did not, a handler that threw on a loop, a log file that cannot be written. Every
 * event also goes to {@link System.Logger} as it always did (so an embedder's logging sees it);
 * the newest ones are kept in memory for the console's live log view ({@link Balor#recentEvents}).
 *
 * <p>Levels are {@link System.Logger.Level}s, not an enum of Balor's own: an event then has the
 * same level here as in the embedder's logging, and a filter such as {@code Level.WARNING} means
 * the same in both. Balor records {@code ERROR} (a listener or a task on a loop failed),
 * {@code WARNING} (accept failures, an upstream down or up or ejected, an upstream that failed
 * live traffic (at most one per upstream per 10 s), certificate problems, a log file that cannot
 * be written) and {@code INFO} (a certificate loaded, a log file written again).
 * Immutable.
 *
 * @param sequence the event's number in this process, from 1 and without gaps: a reader that polls
 *                 takes the events above the last number it saw, and a gap is events overwritten
 *                 before it looked
 * @param time     when it was recorded (wall clock, UTC)
 * @param level    how bad it is
 * @param source   which part of Balor it comes from: {@code listener}, {@code loop},
 *                 {@code health}, {@code tls}, {@code log} or {@code upstream}
 * @param message  what happened, naming the listener, upstream or file it is about
 */
public record LogEvent(long sequence, Instant time, System.Logger.Level level, String source, String message) {
}
