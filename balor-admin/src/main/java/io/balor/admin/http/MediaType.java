package io.balor.admin.http;

import java.util.Set;

/**
 * A parsed {@code Content-Type} (RFC 9110 §8.3.1): the lower-cased {@code type/subtype} and the
 * charset parameter, if any. Immutable; any thread.
 *
 * <p>Parsing is ASCII-only (a header value with any other character is malformed), so no
 * locale or Unicode case folding can turn a look-alike into a match. Parameters other than
 * {@code charset} are allowed but ignored; a JSON body must be UTF-8 (RFC 8259 §8.1), so for
 * {@code application/json} the only charset accepted is {@code utf-8}.
 *
 * @param type    {@code type/subtype}, lower case
 * @param charset the charset parameter, lower case and unquoted, or null
 */
record MediaType(String type, String charset) {

    static final String JSON = "application/json";

    /** The media type in {@code header}, or null if it is malformed. */
    static MediaType parse(String header) {
        String[] parts = header.split(";", -1);
        String type = lowerAscii(parts[0].trim());
        int slash = type == null ? -1 : type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1 || !isToken(type.substring(0, slash))
                || !isToken(type.substring(slash + 1))) {
            return null;
        }
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            int eq = param.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String name = lowerAscii(param.substring(0, eq).trim());
            String value = param.substring(eq + 1).trim();
            if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                value = value.substring(1, value.length() - 1);
            }
            value = lowerAscii(value);
            if (name == null || !isToken(name) || value == null || !isToken(value)) {
                return null;
            }
            if (name.equals("charset")) {
                if (charset != null) {
                    return null;
                }
                charset = value;
            }
        }
        return new MediaType(type, charset);
    }

    /**
     * The media type of a request body, which must be one of {@code accepted}; 415 if the header
     * is missing, malformed, of another type, or JSON in a charset other than UTF-8.
     */
    static MediaType require(String header, Set<String> accepted) {
        String expected = String.join(" or ", accepted.stream().sorted().toList());
        if (header == null) {
            throw ApiException.unsupportedMediaType("Content-Type is missing", "send Content-Type: " + expected);
        }
        MediaType type = parse(header);
        if (type == null) {
            throw ApiException.unsupportedMediaType("Content-Type is malformed", "send Content-Type: " + expected);
        }
        if (!accepted.contains(type.type())) {
            throw ApiException.unsupportedMediaType("unsupported Content-Type " + type.type(),
                    "this path takes " + expected);
        }
        if (type.type().equals(JSON) && type.charset() != null && !type.charset().equals("utf-8")) {
            throw ApiException.unsupportedMediaType("unsupported charset " + type.charset(),
                    "send JSON as UTF-8 (charset=utf-8 or no charset)");
        }
        return type;
    }

    /** Whether {@code type} is a well-formed {@code type/subtype} (for routes' declared types). */
    static boolean isValidType(String type) {
        MediaType parsed = type.indexOf(';') < 0 ? parse(type) : null;
        return parsed != null && parsed.type().equals(type);
    }

    /** {@code text} in ASCII lower case, or null if it has a character outside printable ASCII. */
    private static String lowerAscii(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            if (c >= 'A' && c <= 'Z') {
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    /** RFC 9110 §5.6.2 token. */
    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
