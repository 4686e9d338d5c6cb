package io.balor.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away PKI for tests: a CA (EC P-256, self-signed, or an intermediate under another),
 * leaves it issues, and PEM files of both. Everything is generated in memory at test time and
 * written only where a test says (its {@code @TempDir}); no key is ever committed.
 *
 * <p>BouncyCastle builds and writes the certificates; keys and signatures come from the JDK's
 * default providers, as in {@link PemFiles}. Not thread-safe; one test uses one instance.
 */
public final class TestPki {

    public enum KeyType { EC, RSA }

    /** How {@link Leaf#writeKey} encodes the key: PKCS#8, or the traditional OpenSSL forms. */
    public enum KeyFormat {
        /** {@code PRIVATE KEY}, any key type. */
        PKCS8,
        /** {@code RSA PRIVATE KEY}, RSA only. */
        PKCS1,
        /** {@code EC PRIVATE KEY}, EC only. */
        SEC1
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final List<X509Certificate> issuers; // this CA's issuer, its issuer, ... up to the root

    private TestPki(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> issuers) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        this.issuers = issuers;
    }

    /** A self-signed root CA: basicConstraints CA=true, keyUsage keyCertSign and cRLSign. */
    public static TestPki ca(String cn) {
        KeyPair keys = generate(KeyType.EC);
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + cn);
        X509Certificate cert = sign(caBuilder(name, name, keys, now), keys);
        return new TestPki(cert, keys, List.of());
    }

    /** An intermediate CA issued by this one. */
    public TestPki intermediate(String cn) {
        KeyPair keys = generate(KeyType.EC);
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509Certificate cert = sign(caBuilder(issuer, new X500Name("CN=" + cn), keys, Instant.now()), keyPair);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuers);
        return new TestPki(cert, keys, List.copyOf(chain));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** Writes this CA's certificate alone, as a CA bundle of one. */
    public void writeCaBundle(Path file) {
        write(file, pem(List.of(certificate)));
    }

    /** An EC P-256 leaf for these names, valid from an hour ago for 30 days. */
    public Leaf issue(String... dnsNames) {
        return leaf(dnsNames).issue();
    }

    /** A leaf to adjust before {@link LeafSpec#issue()}. */
    public LeafSpec leaf(String... dnsNames) {
        return new LeafSpec(List.of(dnsNames));
    }

    /** Options of a leaf: key type, subject CN, validity. */
    public final class LeafSpec {
        private final List<String> names;
        private KeyType keyType = KeyType.EC;
        private String commonName;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(30));

        private LeafSpec(List<String> names) {
            this.names = names;
            this.commonName = names.isEmpty() ? "leaf" : names.get(0);
        }

        public LeafSpec rsa() {
            keyType = KeyType.RSA;
            return this;
        }

        public LeafSpec commonName(String cn) {
            commonName = cn;
            return this;
        }

        public LeafSpec validity(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        /**
         * Signs the leaf: SAN with a DNS entry per name (an IPv4/IPv6 literal becomes an IP
         * entry; no SAN at all without names), keyUsage digitalSignature (and keyEncipherment for
         * RSA), extendedKeyUsage serverAuth.
         */
        public Leaf issue() {
            KeyPair keys = generate(keyType);
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic());
            int usage = KeyUsage.digitalSignature | (keyType == KeyType.RSA ? KeyUsage.keyEncipherment : 0);
            try {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                if (!names.isEmpty()) {
                    GeneralName[] entries = new GeneralName[names.size()];
                    for (int i = 0; i < entries.length; i++) {
                        String name = names.get(i);
                        entries[i] = new GeneralName(IPAddress.isValid(name) ? GeneralName.iPAddress : GeneralName.dNSName, name);
                    }
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(entries));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(sign(builder, keyPair));
            chain.add(certificate);
            chain.addAll(issuers);
            return new Leaf(List.copyOf(chain), keys);
        }
    }

    /** An issued leaf with its key. */
    public static final class Leaf {
        private final List<X509Certificate> chain;
        private final KeyPair keyPair;

        private Leaf(List<X509Certificate> chain, KeyPair keyPair) {
            this.chain = chain;
            this.keyPair = keyPair;
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }

        public KeyPair keyPair() {
            return keyPair;
        }

        /** The leaf, then every CA above it up to and including the root. */
        public List<X509Certificate> chain() {
            return chain;
        }

        /** The leaf alone, or ({@code withChain}) followed by {@link #chain()}'s CAs. */
        public void writeCert(Path file, boolean withChain) {
            write(file, pem(withChain ? chain : List.of(chain.get(0))));
        }

        /** The key alone, in {@code format} (PKCS1 only for RSA, SEC1 only for EC). */
        public void writeKey(Path file, KeyFormat format) {
            write(file, keyPem(format));
        }

        /** A SEC1 key preceded by an {@code EC PARAMETERS} block naming its curve, as {@code openssl ecparam -genkey} writes. */
        public void writeSec1KeyWithParameters(Path file) {
            try {
                write(file, pem(List.of(new PemObject("EC PARAMETERS", curve(keyPair).toASN1Primitive().getEncoded())))
                        + keyPem(KeyFormat.SEC1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The key as PEM text in {@code format}. */
        public String keyPem(KeyFormat format) {
            String algorithm = keyPair.getPrivate().getAlgorithm();
            String wanted = format == KeyFormat.PKCS1 ? "RSA" : format == KeyFormat.SEC1 ? "EC" : algorithm;
            if (!algorithm.equals(wanted)) {
                throw new IllegalArgumentException(format + " needs an " + wanted + " key, not " + algorithm);
            }
            try {
                switch (format) {
                    case PKCS8:
                        return pem(List.of(new JcaPKCS8Generator(keyPair.getPrivate(), null).generate()));
                    case PKCS1:
                        // JcaPEMWriter writes a bare RSA PrivateKey as RSA PRIVATE KEY (PKCS#1).
                        return pem(List.of(keyPair.getPrivate()));
                    case SEC1:
                        // Not JcaPEMWriter: from a JDK key it writes an ECPrivateKey without its
                        // curve or public key, which even openssl cannot read. This is the form
                        // openssl writes (RFC 5915 §3): version, key, [0] curve, [1] public key.
                        ECPrivateKey sec1 = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keyPair.getPrivate()).getS(),
                                SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded()).getPublicKeyData(),
                                curve(keyPair));
                        return pem(List.of(new PemObject("EC PRIVATE KEY", sec1.getEncoded())));
                    default:
                        throw new AssertionError(format);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static ASN1Encodable curve(KeyPair keys) {
            return PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded()).getPrivateKeyAlgorithm().getParameters();
        }
    }

    private static X509v3CertificateBuilder caBuilder(X500Name issuer, X500Name subject, KeyPair keys, Instant now) {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                subject, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
        String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type == KeyType.RSA ? "RSA" : "EC");
            if (type == KeyType.RSA) {
                generator.initialize(2048, RANDOM);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    /** Objects as PEM text, each as JcaPEMWriter writes it. */
    static String pem(List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
