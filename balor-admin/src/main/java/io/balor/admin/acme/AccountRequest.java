package io.balor.admin.acme;

import java.util.List;

/**
 * What {@code newAccount} is asked for (RFC 8555 §7.3). Immutable.
 *
 * @param emails         contact addresses, sent as {@code mailto:} URLs; may be empty
 * @param termsAccepted  whether the operator accepted the CA's terms of service (config, never
 *                       assumed): without it, a CA with terms is refused before any request
 * @param binding        the External Account Binding for CAs that require one, or null
 */
public record AccountRequest(List<String> emails, boolean termsAccepted, ExternalAccountBinding binding) {

    public AccountRequest {
        emails = List.copyOf(emails);
        for (String email : emails) {
            int at = email.indexOf('@');
            if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1
                    || email.chars().anyMatch(c -> c <= ' ' || c == ',' || c == '<' || c == '>' || c == ':')) {
                throw new IllegalArgumentException("not an email address: " + email);
            }
        }
    }

    public static AccountRequest of(String email, boolean termsAccepted) {
        return new AccountRequest(List.of(email), termsAccepted, null);
    }

    public AccountRequest withBinding(ExternalAccountBinding newBinding) {
        return new AccountRequest(emails, termsAccepted, newBinding);
    }
}
