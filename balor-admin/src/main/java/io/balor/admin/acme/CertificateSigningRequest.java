package io.balor.admin.acme;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.security.KeyPair;
import java.util.List;

/**
 * The PKCS#10 request sent to {@code finalize} (RFC 8555 §7.4, RFC 2986): every name as a DNS
 * subjectAltName, the first one also as subject CN when it fits (64 characters, RFC 5280's upper
 * bound; CAs read the SANs anyway). Built with BouncyCastle's PKCS#10 builder, signed by the JDK
 * (BouncyCastle is not registered as a provider). Stateless; any thread.
 */
final class CertificateSigningRequest {

    /** RFC 5280's ub-common-name. */
    private static final int MAX_COMMON_NAME = 64;

    private CertificateSigningRequest() {
    }

    /** The DER request for {@code names} with {@code key}'s public half, signed by its private half. */
    static byte[] der(List<String> names, KeyPair key, CertificateKeyType type) {
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        if (names.get(0).length() <= MAX_COMMON_NAME) {
            subject.addRDN(BCStyle.CN, names.get(0));
        }
        X500Name name = subject.build();
        GeneralName[] sans = new GeneralName[names.size()];
        for (int i = 0; i < sans.length; i++) {
            sans[i] = new GeneralName(GeneralName.dNSName, names.get(i));
        }
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            return new JcaPKCS10CertificationRequestBuilder(name, key.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder(type.signatureAlgorithm()).build(key.getPrivate()))
                    .getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the CSR: " + e.getMessage(), e);
        }
    }
}
