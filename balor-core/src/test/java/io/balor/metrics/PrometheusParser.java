package io.balor.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every family has HELP then TYPE
 * before its samples, sample names belong to their family (histograms: {@code _bucket},
 * {@code _sum}, {@code _count}), names and labels are well formed, values parse, no sample
 * repeats, and histogram buckets rise in {@code le}, are cumulative and end in {@code +Inf}
 * equal to {@code _count}. Throws {@link AssertionError} naming the line otherwise.
 */
public final class PrometheusParser {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    /** One sample: its full name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    public static PrometheusParser parse(String text) {
        PrometheusParser parser = new PrometheusParser();
        parser.read(text);
        return parser;
    }

    public List<Sample> samples() {
        return samples;
    }

    public String type(String family) {
        return types.get(family);
    }

    /** The value of the sample {@code name} with exactly these labels, or NaN when absent. */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Sample sample : samples) {
            if (sample.name().equals(name) && sample.labels().equals(wanted)) {
                return sample.value();
            }
        }
        return Double.NaN;
    }

    private void read(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the text must end with a newline");
        }
        String family = null;
        Set<String> helped = new HashSet<>();
        Set<String> seen = new HashSet<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            String at = "line " + number + " '" + line + "': ";
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                check(NAME.matcher(parts[0]).matches() && parts.length == 2, at + "bad HELP");
                check(helped.add(parts[0]), at + "a second HELP");
                family = parts[0];
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                check(parts.length == 2 && parts[0].equals(family), at + "TYPE must follow its HELP");
                check(Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1]), at + "bad type");
                check(types.put(parts[0], parts[1]) == null, at + "a second TYPE");
            } else if (line.startsWith("#")) {
                continue;
            } else {
                Matcher m = SAMPLE.matcher(line);
                check(m.matches(), at + "not a sample");
                String name = m.group(1);
                check(family != null && types.containsKey(family), at + "a sample before its family's TYPE");
                boolean histogram = "histogram".equals(types.get(family));
                check(name.equals(family) && !histogram || histogram && (name.equals(family + "_bucket")
                        || name.equals(family + "_sum") || name.equals(family + "_count")), at + "not of family " + family);
                Map<String, String> labels = labels(m.group(3), at);
                check(seen.add(name + labels), at + "repeated");
                samples.add(new Sample(name, labels, value(m.group(4), at)));
            }
        }
        checkHistograms();
    }

    private static Map<String, String> labels(String text, String at) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        int position = 0;
        while (position < text.length()) {
            Matcher m = LABEL.matcher(text).region(position, text.length());
            check(m.lookingAt(), at + "bad label at " + position);
            check(labels.put(m.group(1), m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"))
                    == null, at + "repeated label");
            position = m.end();
            if (position < text.length()) {
                check(text.charAt(position) == ',', at + "labels are separated by commas");
                position++;
            }
        }
        return labels;
    }

    private static double value(String text, String at) {
        if (text.equals("+Inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new AssertionError(at + "bad value");
        }
    }

    private void checkHistograms() {
        Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        for (Sample sample : samples) {
            if (sample.name().endsWith("_bucket")) {
                Map<String, String> series = new LinkedHashMap<>(sample.labels());
                check(series.remove("le") != null, sample + ": a bucket needs le");
                buckets.computeIfAbsent(sample.name() + series, k -> new ArrayList<>()).add(sample);
            }
        }
        for (List<Sample> series : buckets.values()) {
            double le = Double.NEGATIVE_INFINITY;
            double count = -1;
            for (Sample bucket : series) {
                double bound = value(bucket.labels().get("le"), bucket + ": ");
                check(bound > le, bucket + ": le must rise");
                check(bucket.value() >= count, bucket + ": buckets must be cumulative");
                le = bound;
                count = bucket.value();
            }
            Sample last = series.get(series.size() - 1);
            check(le == Double.POSITIVE_INFINITY, last + ": the last bucket must be +Inf");
            Map<String, String> labels = new LinkedHashMap<>(last.labels());
            labels.remove("le");
            String family = last.name().substring(0, last.name().length() - "_bucket".length());
            double total = Double.NaN;
            for (Sample sample : samples) {
                if (sample.name().equals(family + "_count") && sample.labels().equals(labels)) {
                    total = sample.value();
                }
            }
            check(total == count, last + ": +Inf must equal _count (" + total + ")");
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
