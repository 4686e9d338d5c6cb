package io.balor.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A host route's request for a certificate from an ACME CA, in the original Balor's shape
 * ({@code "acme": {"email", "directory_url", "challenge", "provider", "label"}}). This version
 * checks it, keeps it and writes it back; getting and renewing the certificate is planned (the
 * route serves its {@code tls} certificate meanwhile). Immutable.
 *
 * @param email        the contact address given to the CA; required
 * @param directoryUrl the CA's directory URL ({@code http} or {@code https}), or null for Let's
 *                     Encrypt's production directory
 * @param challenge    how the CA checks control of the name
 * @param provider     for {@link Challenge#DNS01}, the name of a DNS provider in the state file's
 *                     {@code acme_providers}; null for {@link Challenge#HTTP01}
 * @param label        a free-form label shown with the job, or null
 */
public record AcmeConfig(String email, String directoryUrl, Challenge challenge, String provider, String label) {

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

    private static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                return "'" + url + "' is not an http(s) URL";
            }
            return null;
        } catch (URISyntaxException e) {
            return "'" + url + "' is not a URL: " + e.getReason();
        }
    }
}
