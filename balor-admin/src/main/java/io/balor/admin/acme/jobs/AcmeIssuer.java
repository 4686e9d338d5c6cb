package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.Balor;
import io.balor.admin.acme.AccountKeyStore;
import io.balor.admin.acme.AccountRequest;
import io.balor.admin.acme.AcmeAccount;
import io.balor.admin.acme.AcmeClient;
import io.balor.admin.acme.AcmeException;
import io.balor.admin.acme.ChallengeType;
import io.balor.admin.acme.Http01Challenges;
import io.balor.admin.acme.IssuedCertificate;
import io.balor.admin.acme.OrderRequest;
import io.balor.admin.acme.RenewalWindow;
import io.balor.admin.acme.TxtRecords;
import io.balor.admin.acme.dns.DnsProviderConfig;
import io.balor.admin.acme.dns.DnsProviders;
import io.balor.admin.acme.dns.TxtPropagation;
import io.balor.admin.acme.dns.TxtResolver;
import io.balor.admin.state.AcmeSections;
import io.balor.admin.state.BalorState;
import io.balor.config.AcmeConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gets certificates with the hand-written ACME client: one account key for every CA (kept in
 * the ACME directory, mode 600), one account per CA directory (registered, or found again, on
 * first use), HTTP-01 answered by every HTTP listener of the running {@link Balor}, DNS-01
 * through the job's {@code acme_providers} entry, its record awaited at the provider's
 * {@code resolver} (else the system's first name server) before the CA is asked to look.
 * Confined to the ACME thread.
 */
final class AcmeIssuer implements Issuer {

    private static final System.Logger LOG = System.getLogger(AcmeIssuer.class.getName());
    private static final Duration DNS_QUERY_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PROPAGATION_INTERVAL = Duration.ofSeconds(2);

    private final AcmeSettings settings;
    private final Balor balor;
    private final Supplier<BalorState> state;
    private final Clock clock;
    private final HttpClient providerHttp;
    private final AccountKeyStore keys;
    private final Map<URI, AcmeClient> clients = new HashMap<>();
    private final Map<URI, AcmeAccount> accounts = new HashMap<>();

    AcmeIssuer(AcmeSettings settings, Balor balor, Supplier<BalorState> state, Clock clock) {
        this.settings = settings;
        this.balor = balor;
        this.state = state;
        this.clock = clock;
        this.keys = new AccountKeyStore(settings.dir());
        // No redirects: a provider's token is only ever sent to its own api_base.
        this.providerHttp = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.client().requestTimeout()).build();
    }

    @Override
    public IssuedCertificate issue(AcmeJob job) throws AcmeException, IOException {
        if (!job.acme().acceptTerms()) {   // per job, even when another job's account with this CA exists
            throw new AcmeException("newAccount", "the CA's terms of service are not accepted for " + job.id()
                    + ": read them and set accept_terms: true in its acme");
        }
        AcmeClient client = client(job.acme());
        AcmeAccount account = account(client, job.acme());
        if (job.acme().challenge() == AcmeConfig.Challenge.DNS01) {
            TxtRecords records = dns01(job.acme().provider());
            return client.issue(account, OrderRequest.of(ChallengeType.DNS_01, job.names().toArray(String[]::new)),
                    null, records);
        }
        return client.issue(account, OrderRequest.of(ChallengeType.HTTP_01, job.names().toArray(String[]::new)),
                Http01Challenges.on(balor), null);
    }

    @Override
    public Optional<RenewalWindow> renewalWindow(AcmeJob job, X509Certificate leaf) {
        try {
            return client(job.acme()).renewalWindow(leaf);
        } catch (AcmeException | IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no renewal information for " + job.id() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private AcmeClient client(AcmeConfig acme) throws IOException {
        URI url = AcmeClient.directoryUrl(acme.directoryUrl() == null ? "letsencrypt" : acme.directoryUrl());
        AcmeClient client = clients.get(url);
        if (client == null) {
            client = new AcmeClient(url, settings.client());
            clients.put(url, client);
        }
        return client;
    }

    private AcmeAccount account(AcmeClient client, AcmeConfig acme) throws AcmeException, IOException {
        AcmeAccount account = accounts.get(client.directoryUrl());
        if (account == null) {
            KeyPair key = keys.loadOrCreate();
            AccountRequest request = AccountRequest.of(acme.email(), acme.acceptTerms());
            // The binding goes only to a CA that asks for one: it names an account at that CA.
            boolean bind = settings.binding() != null && client.directory().externalAccountRequired();
            account = client.register(key, bind ? request.withBinding(settings.binding()) : request);
            accounts.put(client.directoryUrl(), account);
        }
        return account;
    }

    /** The provider named {@code name}, its records awaited before the CA is asked to look. */
    private TxtRecords dns01(String name) throws IOException {
        JsonNode section = state.get().extras().get(AcmeSections.PROVIDERS);
        for (int i = 0; section != null && i < section.size(); i++) {
            if (name.equals(section.get(i).path("name").asText(null))) {
                DnsProviderConfig config = DnsProviders.config(section.get(i), AcmeSections.PROVIDERS + "[" + i + "]");
                TxtRecords provider = DnsProviders.create(config, providerHttp, clock, DnsProviders.CALL_TIMEOUT);
                InetSocketAddress server = config.resolver() != null ? config.resolver() : systemResolver();
                TxtPropagation propagation = new TxtPropagation(new TxtResolver(server, DNS_QUERY_TIMEOUT), clock,
                        PROPAGATION_INTERVAL);
                return new TxtRecords() {
                    @Override
                    public void present(String fqdn, String value) throws IOException {
                        provider.present(fqdn, value);
                        try {   // the record the provider wrote (txt_prefix applied), where it wrote it
                            propagation.awaitTxt(config.recordName(fqdn), value,
                                    clock.instant().plus(settings.propagationTimeout()));
                        } catch (IOException | RuntimeException e) {
                            try {
                                provider.cleanUp(fqdn, value);   // never validated: not left behind
                            } catch (IOException | RuntimeException cleanup) {
                                e.addSuppressed(cleanup);
                            }
                            throw e;
                        }
                    }

                    @Override
                    public void cleanUp(String fqdn, String value) throws IOException {
                        provider.cleanUp(fqdn, value);
                    }
                };
            }
        }
        throw new IOException("no DNS provider '" + name + "' in " + AcmeSections.PROVIDERS);
    }

    /** The first {@code nameserver} of {@code /etc/resolv.conf}. */
    private static InetSocketAddress systemResolver() throws IOException {
        Path conf = Path.of("/etc/resolv.conf");
        if (Files.isReadable(conf)) {
            for (String line : Files.readAllLines(conf)) {
                String[] words = line.strip().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")) {
                    return new InetSocketAddress(words[1], 53);
                }
            }
        }
        throw new IOException("no DNS server to check the TXT record with: set the provider's resolver");
    }
}
