package io.balor.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A host route's request for a certificate from an ACME CA, in the original Balor's shape
 * ({@code "acme": {"email", "directory_url", "challenge", "provider", "label"}}) plus
 * {@code accept_terms}: the admin's explicit agreement to the CA's terms of service, without
 * which no account is made. The admin module's ACME jobs get and renew the certificate; the core
 * only checks and carries it. Immutable.
 *
 * @param email        the contact address given to the CA; required
 * @param directoryUrl the CA's directory: an {@code https} URL, {@code letsencrypt} or
 *                     {@code letsencrypt-staging}; null for Let's Encrypt's production directory
 * @param challenge    how the CA checks control of the name
 * @param provider     for {@link Challenge#DNS01}, the name of a DNS provider in the state file's
 *                     {@code acme_providers}; null for {@link Challenge#HTTP01}
 * @param label        a free-form label shown with the job, or null
 * @param acceptTerms  the CA's terms of service are accepted (an account is made only then)
 */
public record AcmeConfig(String email, String directoryUrl, Challenge challenge, String provider, String label,
                         boolean acceptTerms) {

    /** The ACME challenge types, as the original wrote them. */
    public enum Challenge {
        HTTP01("http01"), DNS01("dns01");

        private final String wire;

        Challenge(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** The challenge written {@code text}, or null. */
        public static Challenge parse(String text) {
            for (Challenge challenge : values()) {
                if (challenge.wire.equals(text)) {
                    return challenge;
                }
            }
            return null;
        }
    }

    public AcmeConfig {
        challenge = challenge == null ? Challenge.HTTP01 : challenge;
    }

    /** An HTTP-01 request for {@code email}, from Let's Encrypt's production directory, terms accepted. */
    public static AcmeConfig http01(String email) {
        return new AcmeConfig(email, null, Challenge.HTTP01, null, null, true);
    }

    public AcmeConfig withDirectoryUrl(String value) {
        return new AcmeConfig(email, value, challenge, provider, label, acceptTerms);
    }

    /** A DNS-01 request through the {@code acme_providers} entry named {@code value}. */
    public AcmeConfig withDns01(String value) {
        return new AcmeConfig(email, directoryUrl, Challenge.DNS01, value, label, acceptTerms);
    }

    /** Checks it as if it were at {@code path}; the problems found. */
    public static java.util.List<ConfigProblem> problems(AcmeConfig acme, String path) {
        Problems problems = new Problems();
        acme.check(path, problems);
        return problems.list();
    }

    void check(String path, Problems problems) {
        if (email == null || email.isBlank()) {
            problems.add(path + ".email", "is required (the contact address the CA is given)");
        } else if (email.indexOf('@') < 1 || email.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            problems.add(path + ".email", "'" + email + "' is not an email address");
        }
        if (directoryUrl != null) {
            String problem = urlProblem(directoryUrl);
            if (problem != null) {
                problems.add(path + ".directory_url", problem);
            }
        }
        if (challenge == Challenge.DNS01 && (provider == null || provider.isBlank())) {
            problems.add(path + ".provider", "dns01 needs the name of a DNS provider (acme_providers)");
        } else if (challenge == Challenge.HTTP01 && provider != null) {
            problems.add(path + ".provider", "only a dns01 challenge uses a DNS provider");
        }
    }

    /** The directory names a config may give instead of a URL: Let's Encrypt's production and staging. */
    public static final java.util.List<String> DIRECTORY_NAMES = java.util.List.of("letsencrypt", "letsencrypt-staging");

    private static String urlProblem(String url) {
        if (DIRECTORY_NAMES.contains(url)) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return "'" + url + "' is not an https URL (RFC 8555 §6.1) nor one of " + DIRECTORY_NAMES;
            }
            return null;
        } catch (URISyntaxException e) {
            return "'" + url + "' is not a URL: " + e.getReason();
        }
    }
}
