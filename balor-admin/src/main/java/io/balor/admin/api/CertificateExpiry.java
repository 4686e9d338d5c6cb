package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.CertificateStatus;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.jobs.AcmeJob;
import io.balor.admin.state.BalorState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gauge {@code balor_certificate_expiry_seconds{name}}: seconds until each certificate ends
 * (negative once it has). One series per certificate the listeners serve, named as in the
 * state's {@code certificates} (else by its file's name, never its path: {@code /metrics} may be
 * public), and one per ACME job's certificate not served
 * (a standalone one, named {@link AcmeJob#certName}). Built from what is in memory (the served
 * certificates' last load, the jobs' statuses), so a scrape reads no file. Stateless.
 */
final class CertificateExpiry {

    private CertificateExpiry() {
    }

    /** The gauge in the Prometheus text format, or an empty string when there is no certificate. */
    static String text(BalorState state, List<CertificateStatus> served, Map<String, AcmeStatus> jobs, Instant now) {
        Map<String, String> names = new HashMap<>();
        JsonNode section = state.extras().get("certificates");
        if (section != null && section.isArray()) {
            section.forEach(entry -> names.put(entry.path("cert_file").asText(), entry.path("name").asText()));
        }
        Map<String, Instant> ends = new TreeMap<>();
        for (CertificateStatus status : served) {
            if (status.notAfter() != null) {
                // Unregistered: its file's name, not its path (the gauge may be public).
                ends.put(names.getOrDefault(status.certFile(), java.nio.file.Path.of(status.certFile()).getFileName()
                        .toString()), status.notAfter());
            }
        }
        for (Map.Entry<String, AcmeStatus> job : jobs.entrySet()) {
            if (job.getValue().notAfter() != null) {
                ends.putIfAbsent(AcmeJob.certName(job.getKey()), job.getValue().notAfter());
            }
        }
        if (ends.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(128 + 64 * ends.size())
                .append("# HELP balor_certificate_expiry_seconds Seconds until the certificate's notAfter.\n")
                .append("# TYPE balor_certificate_expiry_seconds gauge\n");
        for (Map.Entry<String, Instant> end : ends.entrySet()) {
            text.append("balor_certificate_expiry_seconds{name=\"").append(escape(end.getKey())).append("\"} ")
                    .append(Duration.between(now, end.getValue()).toSeconds()).append('\n');
        }
        return text.toString();
    }

    /** A label value as the text format wants it: backslash, quote and newline escaped. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
