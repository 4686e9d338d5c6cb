package io.balor.admin.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Migration} did to an original Balor state file, one line per change, each naming
 * the place in the original file it concerns ({@code listeners.<id>.health_probe.script}):
 * <ul>
 *   <li>{@code changed}: carried over in this version's shape (a key renamed, an id dropped, a
 *       pool made for a route's copy of upstreams); nothing the original did is lost;</li>
 *   <li>{@code not carried over}: a value this version has no equivalent for, with the reason:
 *       a loss, which {@code balorctl migrate} refuses unless told {@code --accept-losses};</li>
 *   <li>{@code note}: something that behaves differently here and is worth knowing (a default).</li>
 * </ul>
 * Not thread-safe: one migration fills it, on the caller's thread.
 */
public final class MigrationReport {

    /** The kinds of line, as printed. */
    public enum Kind {
        CHANGED("changed"), LOST("not carried over"), NOTE("note");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One line: its kind, where in the original it is, and what happened. */
    public record Line(Kind kind, String path, String text) {

        @Override
        public String toString() {
            return kind.label + ": " + path + ": " + text;
        }
    }

    private final List<Line> lines = new ArrayList<>();

    void changed(String path, String text) {
        lines.add(new Line(Kind.CHANGED, path, text));
    }

    void lost(String path, String reason) {
        lines.add(new Line(Kind.LOST, path, reason));
    }

    void note(String path, String text) {
        lines.add(new Line(Kind.NOTE, path, text));
    }

    /** Every line, in the order the migration met them. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines of values not carried over. */
    public List<Line> losses() {
        return lines.stream().filter(line -> line.kind() == Kind.LOST).toList();
    }
}
