package io.balor.admin.state;

import io.balor.config.UpstreamConfig;

/**
 * The original Balor's one-line upstream form: {@code [name=]address [weight]}, as in
 * {@code "api=http://10.0.0.2:8080 5"}, {@code "10.0.0.2:8080 3"} or {@code "10.0.0.2:8080"}.
 * The name defaults to the address and the weight to 1. The address itself is checked later,
 * with the rest of the config. Stateless.
 */
final class UpstreamText {

    /** The upstream, or why the text is not one. */
    record Parsed(UpstreamConfig value, String error) {
    }

    private UpstreamText() {
    }

    static Parsed parse(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return error(text, "is empty");
        }
        if (words.length > 2) {
            return error(text, "has more than an address and a weight");
        }
        String name = null;
        String address = words[0];
        int equals = address.indexOf('=');
        if (equals >= 0) {
            name = address.substring(0, equals);
            address = address.substring(equals + 1);
            if (name.isEmpty()) {
                return error(text, "has nothing before '='");
            }
            if (address.isEmpty()) {
                return error(text, "has no address after '='");
            }
        }
        int weight = 1;
        if (words.length == 2) {
            try {
                weight = Integer.parseInt(words[1]);
            } catch (NumberFormatException e) {
                return error(text, "has a weight that is not a whole number: '" + words[1] + "'");
            }
        }
        return new Parsed(new UpstreamConfig(name, address, weight, true), null);
    }

    private static Parsed error(String text, String problem) {
        return new Parsed(null, "'" + text + "' " + problem + " (write [name=]address [weight], e.g. "
                + "\"api=http://10.0.0.2:8080 5\")");
    }
}
