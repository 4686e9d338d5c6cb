package io.balor.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Writes metric families in the Prometheus text exposition format 0.0.4: a {@code # HELP} and a
 * {@code # TYPE} line per family, then its samples; label values escaped ({@code \\}, {@code "},
 * newline). Used at scrape time on the caller's thread; not on the data path.
 */
public final class PrometheusText {

    private final StringBuilder out = new StringBuilder(4096);
    private String family;

    /** Starts a family: {@code type} is counter, gauge or histogram. */
    public PrometheusText family(String name, String type, String help) {
        family = name;
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample of the current family ({@code suffix} is "" or {@code _bucket}, {@code _sum}, {@code _count}). */
    public PrometheusText sample(String suffix, List<String> labels, double value) {
        out.append(family).append(suffix);
        if (!labels.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels.get(i)).append("=\"").append(escape(labels.get(i + 1))).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /**
     * The {@code _bucket}, {@code _sum} and {@code _count} samples of a histogram of the current
     * family from {@code counts}: one count per bucket of {@link LatencyBuckets}, not cumulative,
     * the last for larger values. {@code labels} are the series' own; {@code le} is added.
     */
    public PrometheusText histogram(List<String> labels, long[] counts, double sumSeconds) {
        java.util.ArrayList<String> withBound = new java.util.ArrayList<>(labels);
        withBound.add("le");
        withBound.add("");
        long cumulative = 0;
        for (int bucket = 0; bucket < counts.length; bucket++) {
            cumulative += counts[bucket];
            withBound.set(withBound.size() - 1,
                    bucket < LatencyBuckets.count() ? number(LatencyBuckets.boundSeconds(bucket)) : "+Inf");
            sample("_bucket", withBound, cumulative);
        }
        sample("_sum", labels, sumSeconds);
        sample("_count", labels, cumulative);
        return this;
    }

    public String text() {
        return out.toString();
    }

    /** Integers without a fraction, others in Java's shortest round-tripping form; {@code +Inf} as Prometheus writes it. */
    public static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value).toLowerCase(Locale.ROOT);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
