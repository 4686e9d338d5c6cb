package io.balor.admin.acme;

/**
 * How the CA is shown control of a name (RFC 8555 §8): {@code http-01} through
 * {@link Http01Challenges}, {@code dns-01} through {@link TxtRecords}. Wildcard names need DNS-01.
 */
public enum ChallengeType {

    HTTP_01("http-01"),
    DNS_01("dns-01");

    private final String wireName;

    ChallengeType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the challenge object's {@code type} field. */
    public String wireName() {
        return wireName;
    }
}
