package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Jws} and {@link AccountSigner} against the JDK's own verification and published values. */
class JwsTest {

    /**
     * Made with {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256}; the
     * coordinates and thumbprint below were computed from {@code openssl ec -text} with the shell
     * ({@code xxd}, {@code basenc --base64url}, {@code openssl dgst -sha256}), not with this code.
     */
    private static final String OPENSSL_KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggaf9V1MSZPOzOiy5
            HVP9+BfJ8hkaw82SYuwpxUAcYjOhRANCAAShfyufgby+IH8uquzIetswyngEI2WO
            e36JKNFCTV8YLEhumxaCFBq5gB8r3kVcKgiRNWMoBt8tO+F2P5DkyTYg
            -----END PRIVATE KEY-----
            """;
    private static final String OPENSSL_X = "oX8rn4G8viB_LqrsyHrbMMp4BCNljnt-iSjRQk1fGCw";
    private static final String OPENSSL_Y = "SG6bFoIUGrmAHyveRVwqCJE1YygG3y074XY_kOTJNiA";
    private static final String OPENSSL_THUMBPRINT = "QCo3M3RxYHABS2WUChbY2MS6q57QqXyqT1wPv9BjQn8";

    @Test
    void base64urlHasNoPaddingAndTheUrlAlphabet() {
        assertEquals("_-8", Jws.base64url(new byte[] {(byte) 0xff, (byte) 0xef}));
        assertEquals("YQ", Jws.base64url("a"));
        assertEquals("YWI", Jws.base64url("ab"));
        assertEquals("", Jws.base64url(new byte[0]));
    }

    @Test
    void es256SignatureVerifiesWithTheJdkOnceConvertedBackToDer() throws Exception {
        KeyPair key = CertificateKeyType.EC_P256.generate();
        // Enough signatures that some r or s is shorter than 32 bytes or needs a sign byte.
        for (int i = 0; i < 200; i++) {
            ObjectNode payload = Jws.MAPPER.createObjectNode().put("n", i);
            ObjectNode jws = new AccountSigner(key, null).sign(URI.create("https://ca.test/new-acct"), "nonce" + i, payload);
            byte[] jose = Base64.getUrlDecoder().decode(jws.get("signature").asText());
            assertEquals(64, jose.length);
            byte[] input = (jws.get("protected").asText() + "." + jws.get("payload").asText()).getBytes(StandardCharsets.US_ASCII);

            Signature der = Signature.getInstance("SHA256withECDSA");
            der.initVerify(key.getPublic());
            der.update(input);
            assertTrue(der.verify(Jws.joseToDer(jose)), "DER form of signature " + i);

            Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");   // the JDK's own R||S
            p1363.initVerify(key.getPublic());
            p1363.update(input);
            assertTrue(p1363.verify(jose), "R||S form of signature " + i);
        }
    }

    @Test
    void protectedHeaderCarriesJwkBeforeTheAccountAndKidAfter() throws Exception {
        KeyPair key = CertificateKeyType.EC_P256.generate();
        URI url = URI.create("https://ca.test/order/1");
        JsonNode withJwk = header(new AccountSigner(key, null).sign(url, "n1", null));
        assertEquals("ES256", withJwk.get("alg").asText());
        assertEquals("n1", withJwk.get("nonce").asText());
        assertEquals(url.toString(), withJwk.get("url").asText());
        assertEquals(Jws.jwk(key.getPublic()), withJwk.get("jwk"));
        assertFalse(withJwk.has("kid"));

        ObjectNode postAsGet = new AccountSigner(key, URI.create("https://ca.test/acct/7")).sign(url, "n2", null);
        JsonNode withKid = header(postAsGet);
        assertEquals("https://ca.test/acct/7", withKid.get("kid").asText());
        assertFalse(withKid.has("jwk"));
        assertEquals("", postAsGet.get("payload").asText(), "POST-as-GET has an empty payload (RFC 8555 §6.3)");
    }

    @Test
    void anAccountKeyMustBeP256() {
        KeyPair rsa = CertificateKeyType.RSA_2048.generate();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new AccountSigner(rsa, null));
        assertTrue(e.getMessage().contains("P-256"), e.getMessage());
    }

    @Test
    void rsaThumbprintIsRfc7638sExample() throws Exception {
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZC"
                + "iFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZg"
                + "nYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqb"
                + "w0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(n)), BigInteger.valueOf(65537)));
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", Jws.thumbprint(key));
    }

    @Test
    void ecThumbprintMatchesOneDerivedWithOpenssl() throws Exception {
        KeyPair key = AccountKeyStore.fromPkcs8(PemText.decode(OPENSSL_KEY, "PRIVATE KEY"));
        ObjectNode jwk = Jws.jwk(key.getPublic());
        assertEquals(OPENSSL_X, jwk.get("x").asText(), "the public point recomputed from the private scalar");
        assertEquals(OPENSSL_Y, jwk.get("y").asText());
        assertEquals("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + OPENSSL_X + "\",\"y\":\"" + OPENSSL_Y + "\"}",
                new String(Jws.write(jwk), StandardCharsets.UTF_8), "RFC 7638 §3.2: members sorted, no whitespace");
        assertEquals(OPENSSL_THUMBPRINT, Jws.thumbprint(key.getPublic()));
    }

    @Test
    void derToJoseStripsSignBytesAndPadsShortIntegers() {
        byte[] r = new byte[33];
        r[1] = (byte) 0x80;          // high bit set: DER adds a zero sign byte
        r[32] = 1;
        byte[] der = {0x30, 0x26, 0x02, 0x21};
        byte[] tail = {0x02, 0x01, 0x05};   // s = 5, one byte
        byte[] full = new byte[4 + 33 + 3];
        System.arraycopy(der, 0, full, 0, 4);
        System.arraycopy(r, 0, full, 4, 33);
        System.arraycopy(tail, 0, full, 37, 3);
        byte[] jose = Jws.derToJose(full);
        assertEquals(64, jose.length);
        assertEquals((byte) 0x80, jose[0]);
        assertEquals(1, jose[31]);
        assertEquals(5, jose[63]);
        assertEquals(0, jose[32]);
        assertArrayEquals(full, Jws.joseToDer(jose));
    }

    @Test
    void externalAccountBindingIsAnHs256JwsOfTheAccountKey() throws Exception {
        KeyPair key = CertificateKeyType.EC_P256.generate();
        byte[] mac = new byte[32];
        mac[0] = 42;
        ExternalAccountBinding binding = new ExternalAccountBinding("kid-1", Jws.base64url(mac));
        ObjectNode jws = Jws.externalAccountBinding(binding, key.getPublic(), "https://ca.test/new-acct");
        JsonNode header = header(jws);
        assertEquals("HS256", header.get("alg").asText());
        assertEquals("kid-1", header.get("kid").asText());
        assertEquals("https://ca.test/new-acct", header.get("url").asText());
        assertFalse(header.has("nonce"), "RFC 8555 §7.3.4: no nonce in the inner JWS");
        assertEquals(Jws.jwk(key.getPublic()), Jws.MAPPER.readTree(Base64.getUrlDecoder().decode(jws.get("payload").asText())));
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(mac, "HmacSHA256"));
        byte[] expected = hmac.doFinal((jws.get("protected").asText() + "." + jws.get("payload").asText())
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(Jws.base64url(expected), jws.get("signature").asText());
        assertFalse(binding.toString().contains(Jws.base64url(mac)), "the MAC key stays out of toString");
    }

    private static JsonNode header(ObjectNode jws) throws Exception {
        return Jws.MAPPER.readTree(Base64.getUrlDecoder().decode(jws.get("protected").asText()));
    }
}
