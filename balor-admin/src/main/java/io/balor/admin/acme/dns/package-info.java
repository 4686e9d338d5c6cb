/**
 * DNS-01 providers: the {@link io.balor.admin.acme.TxtRecords} that publish an ACME TXT record
 * through Cloudflare ({@link io.balor.admin.acme.dns.CloudflareDns}), Route53
 * ({@link io.balor.admin.acme.dns.Route53Dns}, signed by {@link io.balor.admin.acme.dns.SigV4}) or
 * the operator's own webhook ({@link io.balor.admin.acme.dns.WebhookDns}), configured from the
 * state file's {@code acme_providers} ({@link io.balor.admin.acme.dns.DnsProviders}), and the wait
 * until a record is visible ({@link io.balor.admin.acme.dns.TxtPropagation} over
 * {@link io.balor.admin.acme.dns.TxtResolver}).
 *
 * <p>Decisions, in one place:
 * <ul>
 *   <li>Everything here blocks and runs on ACME's own threads, never on an event loop or an admin
 *       worker; every HTTP call and every DNS query has a timeout, every wait a deadline.</li>
 *   <li>A provider adds its value beside the name's other TXT values and removes only its own
 *       (a wildcard and its apex share one {@code _acme-challenge} name); removing a value already
 *       gone is not an error.</li>
 *   <li>Secrets ({@code api_token}, {@code secret_key}, and any field {@link
 *       io.balor.admin.acme.dns.ProviderSecrets#secret} names) are never logged and never in an
 *       exception or problem message: nothing here logs, messages built from a remote answer are
 *       scrubbed of them, and {@link io.balor.admin.acme.dns.ProviderSecrets} is the one rule for
 *       masking them in API reads and restoring them from a write that sends the mask back.</li>
 *   <li>A provider's refusal is a {@link io.balor.admin.acme.dns.DnsApiException} carrying the HTTP
 *       status and the provider's own error codes.</li>
 *   <li>Names are absolute (a trailing dot) and lower case inside; Cloudflare is sent them without
 *       the dot, Route53 and the webhook with it.</li>
 * </ul>
 */
package io.balor.admin.acme.dns;
