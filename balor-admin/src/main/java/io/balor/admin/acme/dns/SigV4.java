package io.balor.admin.acme.dns;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 for one service in one region, written from AWS's description
 * ("Create a signed AWS API request", and the aws-sig-v4-test-suite it is tested against).
 * Immutable; any thread. {@link #toString} does not show the secret.
 *
 * <ol>
 *   <li>Canonical request: {@code METHOD \n URI \n QUERY \n HEADERS \n SIGNED \n HEX(SHA256(payload))}.
 *       URI is the path with each segment percent-encoded (all but {@code A-Za-z0-9-_.~}), {@code /}
 *       when empty; QUERY the parameters decoded, encoded the same way, sorted by name then
 *       value, joined with {@code &}; HEADERS each signed header as {@code lower-name:value\n}
 *       (value trimmed, runs of spaces made one), sorted by name; SIGNED their names joined with
 *       {@code ;}.</li>
 *   <li>String to sign: {@code AWS4-HMAC-SHA256 \n AMZDATE \n DATE/REGION/SERVICE/aws4_request \n
 *       HEX(SHA256(canonical request))}, AMZDATE the {@code x-amz-date} header.</li>
 *   <li>Signing key: {@code HMAC(HMAC(HMAC(HMAC("AWS4" + secret, DATE), REGION), SERVICE),
 *       "aws4_request")}; the signature is {@code HEX(HMAC(key, string to sign))}.</li>
 *   <li>{@code Authorization: AWS4-HMAC-SHA256 Credential=KEYID/SCOPE, SignedHeaders=SIGNED,
 *       Signature=SIGNATURE}.</li>
 * </ol>
 * Every header given is signed; it must include {@code host} and {@code x-amz-date}
 * ({@code yyyyMMdd'T'HHmmss'Z'}).
 */
public final class SigV4 {

    /** The three steps' results, for a request and for a test that checks each. */
    public record Signature(String canonicalRequest, String stringToSign, String authorization) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final String service;

    public SigV4(String accessKey, String secretKey, String region, String service) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.service = service;
    }

    /**
     * Signs a request.
     *
     * @param headers the headers to sign, by name (any case); with {@code host} and {@code x-amz-date}
     * @param payload the body; empty for none
     */
    public Signature sign(String method, URI uri, Map<String, String> headers, byte[] payload) {
        TreeMap<String, String> canonical = new TreeMap<>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            canonical.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue().trim().replaceAll(" +", " "));
        }
        String amzDate = canonical.get("x-amz-date");
        if (amzDate == null || amzDate.length() != 16 || canonical.get("host") == null) {
            throw new IllegalArgumentException("SigV4 needs host and x-amz-date (yyyyMMddTHHmmssZ) headers");
        }
        StringBuilder lines = new StringBuilder();
        canonical.forEach((name, value) -> lines.append(name).append(':').append(value).append('\n'));
        String signed = String.join(";", canonical.keySet());
        String request = method.toUpperCase(Locale.ROOT) + '\n' + path(uri.getRawPath()) + '\n'
                + query(uri.getRawQuery()) + '\n' + lines + '\n' + signed + '\n' + hex(sha256(payload));
        String scope = amzDate.substring(0, 8) + '/' + region + '/' + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + '\n' + scope + '\n'
                + hex(sha256(request.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));
        return new Signature(request, toSign, "AWS4-HMAC-SHA256 Credential=" + accessKey + '/' + scope
                + ", SignedHeaders=" + signed + ", Signature=" + signature);
    }

    /** Lower-case hex of the SHA-256 of {@code bytes} (the payload hash SigV4 uses). */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static String path(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        String[] segments = raw.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            out.append(i == 0 ? "" : "/").append(encode(decode(segments[i])));
        }
        return out.toString();
    }

    private static String query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            out.append(out.length() == 0 ? "" : "&").append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 wants. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-decoding ({@code +} is kept: it is not a space outside a form). */
    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 3;
            } else {
                bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SigV4[" + accessKey + ", " + region + ", " + service + "]";
    }
}
