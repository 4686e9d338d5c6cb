package io.balor;

/**
 * What the active health checks and passive health say about one upstream of a checked pool, as
 * last recorded. The checks' part ({@code successes}, {@code failures}, {@code lastError}) and
 * live traffic's ({@code trafficFailures}, {@code trafficError}) are kept apart: an upstream
 * ejected by passive health names its failures and their reason in the latter.
 *
 * @param upstream  the upstream's id, {@code pool/address}
 * @param pool      its pool
 * @param up        whether balancers may pick it
 * @param successes probes in a row that succeeded (it comes back up at the pool's {@code rise})
 * @param failures  probes in a row that failed (it goes down at the pool's {@code fall})
 * @param probes    probes recorded since it was first checked
 * @param lastError why the last failed probe failed, or null if none has
 * @param failedProbes probes recorded since it was first checked that failed
 * @param ejected   whether passive health has it ejected now (it then takes no traffic even if up)
 * @param ejections times passive health ejected it
 * @param trafficFailures failures in a row on live traffic that passive health counted since the
 *                  last success: those that ejected it stay through the ejection, until a success
 *                  after it (0 without passive health)
 * @param trafficError why the last of {@code trafficFailures} failed, a token of
 *                  {@code io.balor.upstream.UpstreamError} ({@code connect_refused},
 *                  {@code upstream_tls: PKIX path building failed ...}, {@code status_503}), or
 *                  null when there are none
 */
public record UpstreamHealthStatus(String upstream, String pool, boolean up, int successes, int failures,
                                   long probes, String lastError, long failedProbes, boolean ejected,
                                   long ejections, int trafficFailures, String trafficError) {
}
