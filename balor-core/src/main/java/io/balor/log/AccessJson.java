package io.balor.log;

import java.time.Instant;

/**
 * Formats an {@link AccessRecord} as one JSON object on one line (the second of the time is
 * formatted once per second, durations without floating point): {@code time} (ISO-8601 UTC),
 * {@code listener}, {@code route}, {@code pool}, {@code upstream}, {@code client}, {@code method},
 * {@code path}, {@code status}, {@code bytes_in}, {@code bytes_out}, {@code duration_ms},
 * {@code upstream_ms}, {@code request_id}, {@code error}. Absent values are {@code null}. Writer
 * thread only.
 */
final class AccessJson {

    /** The formatted second of the last line ({@code 2026-11-26T18:31:54}), reused within that second. */
    private long second = Long.MIN_VALUE;
    private String secondText = "";

    void write(AccessRecord r, StringBuilder out) {
        long seconds = Math.floorDiv(r.timeMillis, 1000);
        if (seconds != second) {
            second = seconds;
            String full = Instant.ofEpochSecond(seconds).toString();   // ...:54Z
            secondText = full.substring(0, full.length() - 1);
        }
        int millis = (int) Math.floorMod(r.timeMillis, 1000);
        out.append("{\"time\":\"").append(secondText).append('.')
                .append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10)).append("Z\"");
        string(out, "listener", r.listener);
        string(out, "route", r.route);
        string(out, "pool", r.pool);
        string(out, "upstream", r.upstream);
        out.append(",\"client\":");
        bytes(out, r.client, r.clientLength, false);
        string(out, "method", r.method == null ? null : r.method.name());
        out.append(",\"path\":");
        bytes(out, r.path, r.pathLength, r.pathCut);
        out.append(",\"status\":").append(r.status);
        out.append(",\"bytes_in\":").append(r.bytesIn);
        out.append(",\"bytes_out\":").append(r.bytesOut);
        out.append(",\"duration_ms\":");
        millis(out, r.durationNanos);
        out.append(",\"upstream_ms\":");
        if (r.upstreamNanos < 0) {
            out.append("null");
        } else {
            millis(out, r.upstreamNanos);
        }
        out.append(",\"request_id\":\"").append(Long.toHexString(r.requestId)).append('"');
        string(out, "error", r.error);
        out.append('}');
    }

    /** Milliseconds with three decimals (microseconds), without floating point. */
    private static void millis(StringBuilder out, long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        out.append(micros / 1_000).append('.');
        int fraction = (int) (micros % 1_000);
        out.append((char) ('0' + fraction / 100)).append((char) ('0' + fraction / 10 % 10))
                .append((char) ('0' + fraction % 10));
    }

    private static void string(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            escape(out, value.charAt(i));
        }
        out.append('"');
    }

    /** ASCII bytes as a JSON string ({@code …} appended when cut), or null when empty and absent. */
    private static void bytes(StringBuilder out, byte[] value, int length, boolean cut) {
        if (length == 0 && !cut) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < length; i++) {
            escape(out, (char) (value[i] & 0xff));
        }
        if (cut) {
            out.append("...");
        }
        out.append('"');
    }

    private static void escape(StringBuilder out, char c) {
        if (c == '"' || c == '\\') {
            out.append('\\').append(c);
        } else if (c < 0x20 || c >= 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
        } else {
            out.append(c);
        }
    }
}
