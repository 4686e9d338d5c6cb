package io.balor;

/**
 * What the active health checks and passive health say about one upstream of a checked pool, as
 * last recorded.
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
 */
public record UpstreamHealthStatus(String upstream, String pool, boolean up, int successes, int failures,
                                   long probes, String lastError, long failedProbes, boolean ejected,
                                   long ejections) {
}
