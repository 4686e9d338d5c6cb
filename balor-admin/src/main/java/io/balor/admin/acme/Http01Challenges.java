package io.balor.admin.acme;

/**
 * Where HTTP-01 answers are published while an authorization is in flight: every HTTP listener
 * answers {@code GET /.well-known/acme-challenge/TOKEN} with the key authorization published for
 * that token. Thread-safe; called from ACME's own threads.
 */
public interface Http01Challenges {

    /** Answers {@code token} with {@code keyAuthorization} from now on. */
    void publish(String token, String keyAuthorization);

    /** Stops answering {@code token} (the authorization ended, valid or not). */
    void withdraw(String token);

    /** The answers published on every HTTP listener of {@code balor} ({@link io.balor.Balor#publishAcmeChallenge}). */
    static Http01Challenges on(io.balor.Balor balor) {
        return new Http01Challenges() {
            @Override
            public void publish(String token, String keyAuthorization) {
                balor.publishAcmeChallenge(token, keyAuthorization);
            }

            @Override
            public void withdraw(String token) {
                balor.withdrawAcmeChallenge(token);
            }
        };
    }
}
