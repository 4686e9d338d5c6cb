package io.balor.config;

/**
 * Session stickiness of an HTTP listener.
 *
 * @param strategy   {@code cookie}: Balor sets a cookie naming the upstream; {@code ip_hash}:
 *                   the client address picks the upstream on a consistent-hash ring
 * @param cookieName the cookie's name for {@code cookie} (default {@code BALOR_STICKY})
 */
public record StickyConfig(Strategy strategy, String cookieName) {

    public static final String DEFAULT_COOKIE = "BALOR_STICKY";

    /** How a client is tied to an upstream. */
    public enum Strategy { COOKIE, IP_HASH }

    public StickyConfig {
        if (strategy == Strategy.COOKIE && (cookieName == null || cookieName.isEmpty())) {
            cookieName = DEFAULT_COOKIE;
        }
    }

    void check(String path, Problems problems) {
        if (strategy == null) {
            problems.add(path + ".strategy", "must be 'cookie' or 'ip_hash'");
        }
        if (cookieName != null) {
            for (int i = 0; i < cookieName.length(); i++) {
                char c = cookieName.charAt(i);
                if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                    problems.add(path + ".cookie_name", "'" + cookieName + "' is not a valid cookie name");
                    return;
                }
            }
        }
    }
}
