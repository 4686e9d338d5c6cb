package io.balor.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files a TLS listener serves and an upstream pool trusts: a certificate chain with
 * its private key ({@link #load}), and CA bundles ({@link #readCertificates},
 * {@link #trustManager}).
 *
 * <p>The rules, applied strictly and reported as a {@link CertificateProblem} naming the file:
 * <ul>
 *   <li>A file is read whole, at most {@value #MAX_FILE_BYTES} bytes. Text outside
 *       {@code -----BEGIN ...-----}/{@code -----END ...-----} blocks (comments, {@code openssl x509
 *       -text} output) is skipped; a block whose type BouncyCastle's {@link PEMParser} does not
 *       know, or whose content does not decode, makes the whole file invalid.
 *   <li>Certificates are {@code CERTIFICATE} blocks, in file order: the leaf first, then the
 *       intermediates. Other known blocks in a certificate file or CA bundle are ignored.
 *   <li>The key file holds exactly one unencrypted RSA or EC private key: {@code PRIVATE KEY}
 *       (PKCS#8), {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC1). An
 *       {@code EC PARAMETERS} block before a SEC1 key is used only when the key does not name its
 *       curve itself. Certificates in the key file are ignored, so one combined file may be given
 *       as both.
 *   <li>The key must match the leaf: a fixed message signed with the key (SHA256withRSA or
 *       SHA256withECDSA) verifies with the leaf's public key.
 *   <li>Validity dates are not checked here; see {@link LoadedCertificate#expired}.
 * </ul>
 *
 * <p>BouncyCastle only parses: it is never registered as a JCA provider, and keys, certificates,
 * signatures and trust stores all come from the JDK's default providers.
 *
 * <p>Static and stateless: callable from any thread, but it reads files and does public-key
 * crypto, so call it off the event loops (at config load or reload), never on them.
 */
public final class PemFiles {

    /** Larger than any real certificate chain or CA bundle (the Mozilla bundle is ~220 KiB). */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private static final byte[] PROBE =
            "balor: does this private key match the certificate?".getBytes(StandardCharsets.US_ASCII);

    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String EC_OID = "1.2.840.10045.2.1";
    /** Names for the key types an operator may plausibly try, to say which one is refused. */
    private static final Map<String, String> OTHER_KEY_TYPES = Map.of(
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10040.4.1", "DSA",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448");

    private PemFiles() {
    }

    /**
     * The chain in {@code certFile} with the private key in {@code keyFile}; both may be the same
     * file. Refuses a missing or unreadable file, no certificate, no key, an encrypted key, more
     * than one key, a key that is neither RSA nor EC, and a key that does not match the leaf.
     */
    public static LoadedCertificate load(Path certFile, Path keyFile) throws CertificateProblem {
        Blocks certBlocks = read(certFile);
        Blocks keyBlocks = keyFile.equals(certFile) ? certBlocks : read(keyFile);
        if (certBlocks.certificates.isEmpty()) {
            throw new CertificateProblem(certFile, "no certificate found (expected a CERTIFICATE block)");
        }
        PrivateKey key = onlyKey(keyFile, keyBlocks);
        checkMatch(certFile, keyFile, certBlocks.certificates, key);
        return new LoadedCertificate(certBlocks.certificates, key);
    }

    /** Every certificate in a CA bundle, in file order; refuses a bundle without any. */
    public static List<X509Certificate> readCertificates(Path file) throws CertificateProblem {
        Blocks blocks = read(file);
        if (blocks.certificates.isEmpty()) {
            throw new CertificateProblem(file, "no certificate found (expected a CERTIFICATE block)");
        }
        return List.copyOf(blocks.certificates);
    }

    /**
     * A PKIX trust manager whose trust anchors are exactly the certificates in {@code caBundle}
     * (no system CAs). Chains are checked by the JDK, including validity dates and key usage;
     * host names are checked only where the SSLEngine asks for endpoint identification.
     */
    public static X509ExtendedTrustManager trustManager(Path caBundle) throws CertificateProblem {
        List<X509Certificate> anchors = readCertificates(caBundle);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory made no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new CertificateProblem(caBundle, "cannot make a trust store of its certificates: " + e.getMessage(), e);
        }
    }

    /** What one PEM file holds, by kind. */
    private static final class Blocks {
        final List<X509Certificate> certificates = new ArrayList<>();
        final List<PrivateKeyInfo> keys = new ArrayList<>();
        int encryptedKeys;
    }

    private static Blocks read(Path file) throws CertificateProblem {
        String text = new String(readBounded(file), StandardCharsets.ISO_8859_1);
        Blocks blocks = new Blocks();
        ASN1ObjectIdentifier curve = null; // from the last EC PARAMETERS block
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof X509CertificateHolder holder) {
                    blocks.certificates.add(certificate(file, holder, blocks.certificates.size() + 1));
                } else if (block instanceof PrivateKeyInfo info) {
                    blocks.keys.add(info);
                } else if (block instanceof PEMKeyPair pair) {
                    blocks.keys.add(withCurve(pair.getPrivateKeyInfo(), curve));
                } else if (block instanceof ASN1ObjectIdentifier namedCurve) {
                    curve = namedCurve;
                } else if (block instanceof PKCS8EncryptedPrivateKeyInfo || block instanceof PEMEncryptedKeyPair) {
                    blocks.encryptedKeys++;
                }
                // anything else (explicit EC curves, CRLs, public keys, requests) is not ours to use
            }
        } catch (IOException | RuntimeException e) {
            // PEMParser: IOException for an unknown block type or bad ASN.1, DecoderException
            // (a RuntimeException) for bad base64, IllegalArgumentException from ASN.1 getInstance.
            throw new CertificateProblem(file, "not a valid PEM file: " + e.getMessage(), e);
        }
        return blocks;
    }

    /**
     * A SEC1 key with its curve. openssl always writes the curve inside the key (RFC 5915 §3
     * {@code parameters}), but the field is optional, and bcpkix's own writer leaves it out of
     * keys the JDK generated; such a key is usable only with an EC PARAMETERS block before it.
     */
    private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1ObjectIdentifier curve) throws IOException {
        if (!curveless(info) || curve == null) {
            return info;
        }
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(info.getPrivateKeyAlgorithm().getAlgorithm(), curve);
        return new PrivateKeyInfo(algorithm, info.parsePrivateKey());
    }

    /** An EC key whose algorithm identifier names no curve. */
    private static boolean curveless(PrivateKeyInfo info) {
        AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
        ASN1Encodable parameters = algorithm.getParameters();
        return algorithm.getAlgorithm().getId().equals(EC_OID) && (parameters == null || parameters instanceof ASN1Null);
    }

    /**
     * The file's bytes, at most {@code MAX_FILE_BYTES}. Only a regular file (a link to one is
     * followed) is opened: a FIFO, a device or a terminal would block the reading thread (the
     * supervisor's) for as long as nobody writes to it.
     */
    private static byte[] readBounded(Path file) throws CertificateProblem {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new CertificateProblem(file, "not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new CertificateProblem(file, "larger than " + MAX_FILE_BYTES
                        + " bytes: not a PEM certificate, key or CA bundle");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new CertificateProblem(file, "file not found", e);
        } catch (AccessDeniedException e) {
            throw new CertificateProblem(file, "permission denied", e);
        } catch (IOException e) {
            throw new CertificateProblem(file, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(Path file, X509CertificateHolder holder, int index)
            throws CertificateProblem, IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException e) {
            throw new CertificateProblem(file, "certificate #" + index + " is not a valid X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey onlyKey(Path keyFile, Blocks blocks) throws CertificateProblem {
        if (blocks.encryptedKeys > 0) {
            throw new CertificateProblem(keyFile, "encrypted private keys are not supported;"
                    + " store the key unencrypted, readable only by Balor");
        }
        if (blocks.keys.isEmpty()) {
            throw new CertificateProblem(keyFile, "no private key found (expected a PRIVATE KEY,"
                    + " RSA PRIVATE KEY or EC PRIVATE KEY block)");
        }
        if (blocks.keys.size() > 1) {
            throw new CertificateProblem(keyFile, "holds " + blocks.keys.size()
                    + " private keys; exactly one is expected");
        }
        PrivateKeyInfo info = blocks.keys.get(0);
        ASN1ObjectIdentifier type = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (!type.getId().equals(RSA_OID) && !type.getId().equals(EC_OID)) {
            String name = OTHER_KEY_TYPES.getOrDefault(type.getId(), "with algorithm " + type.getId());
            throw new CertificateProblem(keyFile, "unsupported private key type " + name
                    + "; only RSA and EC keys are supported");
        }
        if (curveless(info)) {
            throw new CertificateProblem(keyFile, "the EC private key does not name its curve,"
                    + " and no EC PARAMETERS block comes before it");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info); // the JDK's KeyFactory, no provider set
        } catch (PEMException | RuntimeException e) {
            throw new CertificateProblem(keyFile, "cannot use the private key (an EC curve the JDK"
                    + " does not support, or a damaged key): " + e.getMessage(), e);
        }
    }

    private static void checkMatch(Path certFile, Path keyFile, List<X509Certificate> chain, PrivateKey key)
            throws CertificateProblem {
        if (matches(chain.get(0), key)) {
            return;
        }
        for (int i = 1; i < chain.size(); i++) {
            if (matches(chain.get(i), key)) {
                throw new CertificateProblem(certFile, "the private key in " + keyFile + " matches certificate #"
                        + (i + 1) + ", not the first; the server's own certificate must come first");
            }
        }
        throw new CertificateProblem(keyFile, "the private key does not match the certificate in " + certFile);
    }

    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. an EC key on another curve than the certificate's
        }
    }
}
