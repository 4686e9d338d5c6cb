package io.balor.admin.acme;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** ARI's certificate identifier and window, against draft-ietf-acme-ari's own example. */
class RenewalWindowTest {

    @Test
    void certificateIdIsTheDraftsExample() throws Exception {
        // draft-ietf-acme-ari §4.1: AKI keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4
        // and serial 00:87:65:43:21 give "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE".
        X509Certificate leaf = leaf(HexFormat.of().parseHex("69885B6B87464041E1B37B847BA0AE2CDE01C8D4"), 0x87654321L);
        assertEquals("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", RenewalWindow.certificateId(leaf));
        assertThrows(IllegalArgumentException.class, () -> RenewalWindow.certificateId(leaf(null, 1)));
    }

    @Test
    void windowIsReadFromTheResponse() throws Exception {
        RenewalWindow window = RenewalWindow.parse(Jws.MAPPER.readTree("""
                {"suggestedWindow": {"start": "2025-01-02T04:00:00Z", "end": "2025-01-03T04:00:00Z"},
                 "explanationURL": "https://ca.test/incident"}"""), URI.create("https://ca.test/ari/x"), null);
        assertEquals(Instant.parse("2025-01-02T04:00:00Z"), window.start());
        assertEquals(URI.create("https://ca.test/incident"), window.explanationUrl());
        assertNull(window.retryAfter());
        assertThrows(IllegalArgumentException.class, () -> RenewalWindow.parse(Jws.MAPPER.readTree("{}"),
                URI.create("https://ca.test/ari/x"), null));
    }

    private static X509Certificate leaf(byte[] authorityKeyId, long serial) throws Exception {
        KeyPair key = CertificateKeyType.EC_P256.generate();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=issuer"),
                BigInteger.valueOf(serial), new Date(), new Date(System.currentTimeMillis() + 86_400_000L),
                new X500Name("CN=x.test"), key.getPublic());
        if (authorityKeyId != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }
}
