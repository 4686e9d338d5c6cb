package io.balor.admin.acme;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * The kind of key made for each new certificate (a fresh key per certificate, never the account
 * key): ECDSA P-256 by default, RSA 2048 for clients that need RSA. Generated with JDK crypto.
 */
public enum CertificateKeyType {

    EC_P256("SHA256withECDSA"),
    RSA_2048("SHA256withRSA");

    private final String signatureAlgorithm;

    CertificateKeyType(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA algorithm that signs the CSR with such a key. */
    String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** A new key pair of this type. */
    public KeyPair generate() {
        try {
            if (this == EC_P256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + this + " keys", e);
        }
    }
}
