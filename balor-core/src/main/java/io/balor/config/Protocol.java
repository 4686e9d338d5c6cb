package io.balor.config;

import java.util.Locale;

/** What a listener speaks: {@code tcp} forwards bytes (L4), {@code http} proxies HTTP/1.1 (L7). */
public enum Protocol {
    TCP,
    HTTP;

    /** The lower-case name used in config files and the API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tcp} or {@code http}; returns null for anything else. */
    public static Protocol parse(String text) {
        if (text == null) {
            return null;
        }
        for (Protocol protocol : values()) {
            if (protocol.wireName().equals(text)) {
                return protocol;
            }
        }
        return null;
    }
}
