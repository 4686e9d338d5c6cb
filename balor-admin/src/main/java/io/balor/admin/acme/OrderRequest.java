package io.balor.admin.acme;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A certificate to order (RFC 8555 §7.4): its DNS names (the first is the subject CN), the
 * challenge type used for every authorization, and the kind of new key. Names are lowercased and
 * deduplicated; a wildcard ({@code *.x.test}) needs {@link ChallengeType#DNS_01}. Immutable.
 *
 * @param names     one or more DNS names, optionally with a leading {@code *.}
 * @param challenge the challenge type to answer
 * @param keyType   the certificate key (a new one each time)
 */
public record OrderRequest(List<String> names, ChallengeType challenge, CertificateKeyType keyType) {

    public OrderRequest {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one name");
        }
        List<String> clean = new ArrayList<>();
        for (String name : names) {
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".")) {
                lower = lower.substring(0, lower.length() - 1);
            }
            if (!validName(lower)) {
                throw new IllegalArgumentException("not a DNS name: " + name);
            }
            if (lower.startsWith("*.") && challenge == ChallengeType.HTTP_01) {
                throw new IllegalArgumentException("a wildcard name (" + name + ") needs dns-01, not http-01");
            }
            if (!clean.contains(lower)) {
                clean.add(lower);
            }
        }
        names = List.copyOf(clean);
        if (challenge == null || keyType == null) {
            throw new IllegalArgumentException("an order needs a challenge type and a key type");
        }
    }

    /** {@code names} with DNS-01 or HTTP-01 and an ECDSA P-256 key. */
    public static OrderRequest of(ChallengeType challenge, String... names) {
        return new OrderRequest(List.of(names), challenge, CertificateKeyType.EC_P256);
    }

    public OrderRequest withKeyType(CertificateKeyType type) {
        return new OrderRequest(names, challenge, type);
    }

    /** LDH labels (RFC 1123), at most 253 characters, optionally {@code *.} first. */
    private static boolean validName(String name) {
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : rest.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
