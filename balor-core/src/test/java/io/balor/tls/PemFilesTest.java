package io.balor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.balor.tls.TestPki.KeyFormat.PKCS1;
import static io.balor.tls.TestPki.KeyFormat.PKCS8;
import static io.balor.tls.TestPki.KeyFormat.SEC1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PemFilesTest {

    @TempDir
    Path dir;

    private final TestPki ca = TestPki.ca("Balor Test CA");

    // ---- key formats ----

    @Test
    void loadsRsaPkcs8() throws Exception {
        assertLoads(ca.leaf("rsa.example").rsa().issue(), PKCS8, "-----BEGIN PRIVATE KEY-----", "RSA");
    }

    @Test
    void loadsRsaPkcs1() throws Exception {
        assertLoads(ca.leaf("rsa.example").rsa().issue(), PKCS1, "-----BEGIN RSA PRIVATE KEY-----", "RSA");
    }

    @Test
    void loadsEcPkcs8() throws Exception {
        assertLoads(ca.issue("ec.example"), PKCS8, "-----BEGIN PRIVATE KEY-----", "EC");
    }

    @Test
    void loadsEcSec1AsBouncyCastleWritesIt() throws Exception {
        // bcpkix writes SEC1 keys without an EC PARAMETERS block (the curve is inside the key).
        assertLoads(ca.issue("ec.example"), SEC1, "-----BEGIN EC PRIVATE KEY-----", "EC");
    }

    @Test
    void loadsEcSec1AfterEcParameters() throws Exception {
        TestPki.Leaf leaf = ca.issue("ec.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        leaf.writeSec1KeyWithParameters(key);
        String text = Files.readString(key);
        assertTrue(text.startsWith("-----BEGIN EC PARAMETERS-----"), text);
        assertTrue(text.contains("-----BEGIN EC PRIVATE KEY-----"), text);
        LoadedCertificate loaded = PemFiles.load(cert, key);
        assertSameKey(leaf.keyPair().getPrivate(), loaded.key());
    }

    @Test
    void loadsSec1KeysAsBouncyCastleWritesThemOnlyAfterEcParameters() throws Exception {
        // bcpkix's JcaPEMWriter writes a JDK EC key as SEC1 without its curve (or public key);
        // openssl cannot read that at all. With an EC PARAMETERS block before it, Balor can.
        TestPki.Leaf leaf = ca.issue("ec.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        String curveless = TestPki.pem(List.of(leaf.keyPair().getPrivate()));
        assertTrue(curveless.startsWith("-----BEGIN EC PRIVATE KEY-----"), curveless);

        TestPki.write(key, curveless);
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(key + ": the EC private key does not name its curve, and no EC PARAMETERS block comes before it",
                problem.getMessage());

        byte[] p256 = new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.840.10045.3.1.7").getEncoded();
        TestPki.write(key, TestPki.pem(List.of(new PemObject("EC PARAMETERS", p256))) + curveless);
        assertSameKey(leaf.keyPair().getPrivate(), PemFiles.load(cert, key).key());
    }

    @Test
    void loadsKeysOpensslWrote() throws Exception {
        assumeTrue(opensslAvailable(), "openssl is not on PATH");
        TestPki.Leaf ec = ca.issue("ec.example");
        TestPki.Leaf rsa = ca.leaf("rsa.example").rsa().issue();
        Path ecCert = dir.resolve("ec-cert.pem");
        Path rsaCert = dir.resolve("rsa-cert.pem");
        Path ecPkcs8 = dir.resolve("ec8.pem");
        Path rsaPkcs8 = dir.resolve("rsa8.pem");
        ec.writeCert(ecCert, false);
        rsa.writeCert(rsaCert, false);
        ec.writeKey(ecPkcs8, PKCS8);
        rsa.writeKey(rsaPkcs8, PKCS8);
        Path sec1 = dir.resolve("sec1.pem");
        Path params = dir.resolve("params.pem");
        Path pkcs1 = dir.resolve("pkcs1.pem");
        openssl("ec", "-in", ecPkcs8.toString(), "-out", sec1.toString());
        openssl("ec", "-in", ecPkcs8.toString(), "-param_out", "-out", params.toString());
        openssl("rsa", "-in", rsaPkcs8.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(params).startsWith("-----BEGIN EC PARAMETERS-----"));
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        Path paramsAndSec1 = dir.resolve("ecparam-genkey.pem");
        Files.writeString(paramsAndSec1, Files.readString(params) + Files.readString(sec1));

        assertEquals("EC", PemFiles.load(ecCert, sec1).keyAlgorithm());
        assertEquals("EC", PemFiles.load(ecCert, paramsAndSec1).keyAlgorithm());
        assertEquals("RSA", PemFiles.load(rsaCert, pkcs1).keyAlgorithm());
        // and openssl reads TestPki's SEC1 and PKCS#1 keys
        Path ourSec1 = dir.resolve("our-sec1.pem");
        Path ourPkcs1 = dir.resolve("our-pkcs1.pem");
        ec.writeSec1KeyWithParameters(ourSec1);
        rsa.writeKey(ourPkcs1, PKCS1);
        openssl("ec", "-in", ourSec1.toString(), "-check", "-noout");
        openssl("rsa", "-in", ourPkcs1.toString(), "-check", "-noout");
    }

    private void assertLoads(TestPki.Leaf leaf, TestPki.KeyFormat format, String keyHeader, String algorithm)
            throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        leaf.writeKey(key, format);
        assertTrue(Files.readString(key).startsWith(keyHeader), Files.readString(key));
        assertFalse(Files.readString(key).contains("EC PARAMETERS"));

        LoadedCertificate loaded = PemFiles.load(cert, key);

        assertEquals(algorithm, loaded.keyAlgorithm());
        assertSameKey(leaf.keyPair().getPrivate(), loaded.key());
        assertEquals(List.of(leaf.certificate()), List.of(loaded.chain()));
        assertEquals(leaf.certificate(), loaded.leaf());
    }

    // ---- what a loaded pair tells ----

    @Test
    void describesTheLeaf() throws Exception {
        TestPki.Leaf leaf = ca.issue("www.example.com");
        LoadedCertificate loaded = load(leaf, PKCS8, false);
        X509Certificate cert = leaf.certificate();

        assertEquals("CN=www.example.com", loaded.subject());
        assertEquals("CN=Balor Test CA", loaded.issuer());
        assertEquals(cert.getNotBefore().toInstant(), loaded.notBefore());
        assertEquals(cert.getNotAfter().toInstant(), loaded.notAfter());
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertEquals(expected, loaded.fingerprint());
        assertTrue(loaded.fingerprint().matches("[0-9a-f]{64}"));
    }

    @Test
    void dnsNamesAreTheSanDnsEntriesLowerCased() throws Exception {
        TestPki.Leaf leaf = ca.leaf("WWW.Example.COM", "*.Api.Example.com", "127.0.0.1", "::1")
                .commonName("ignored.example").issue();
        assertEquals(List.of("www.example.com", "*.api.example.com"), load(leaf, PKCS8, false).dnsNames());
    }

    /**
     * Issue 12: {@code DNS:localhost, IP:127.0.0.1} was shown as {@code ["localhost"]}. IP entries
     * are reported apart, as text (IPv6 in RFC 5952 form), and stay out of the names SNI uses.
     */
    @Test
    void ipAddressesAreTheSanIpEntriesAsText() throws Exception {
        TestPki.Leaf leaf = ca.leaf("localhost", "127.0.0.1", "2001:0DB8:0000:0000:0000:FF00:0042:8329", "::1",
                "fe80:0:0:1:0:0:0:1").issue();
        LoadedCertificate loaded = load(leaf, PKCS8, false);
        assertEquals(List.of("127.0.0.1", "2001:db8::ff00:42:8329", "::1", "fe80:0:0:1::1"), loaded.ipAddresses());
        assertEquals(List.of("localhost"), loaded.dnsNames());
        assertEquals(List.of(), load(ca.issue("a.example"), PKCS8, false).ipAddresses());
        assertEquals(List.of(), load(ca.leaf().commonName("none.example").issue(), PKCS8, false).ipAddresses(),
                "no SAN extension at all");
    }

    @Test
    void dnsNamesFallBackToTheCommonName() throws Exception {
        TestPki.Leaf leaf = ca.leaf().commonName("Legacy.Example").issue();
        assertEquals(List.of("legacy.example"), load(leaf, PKCS8, false).dnsNames());
    }

    @Test
    void anIpOnlyLeafServesItsCommonName() throws Exception {
        TestPki.Leaf leaf = ca.leaf("10.1.2.3").commonName("ip.example").issue();
        assertEquals(List.of("ip.example"), load(leaf, PKCS8, false).dnsNames());
        assertEquals(List.of("10.1.2.3"), load(leaf, PKCS8, false).ipAddresses());
    }

    @Test
    void expiredCertificatesLoadAndSayTheyAreExpired() throws Exception {
        Instant now = Instant.now();
        TestPki.Leaf leaf = ca.leaf("old.example")
                .validity(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(30))).issue();
        LoadedCertificate loaded = load(leaf, PKCS8, false);

        assertTrue(loaded.expired(now));
        assertFalse(loaded.expired(now.minus(Duration.ofDays(45))));
        assertTrue(loaded.expired(now.minus(Duration.ofDays(61))), "before notBefore");
    }

    @Test
    void currentCertificatesAreNotExpired() throws Exception {
        LoadedCertificate loaded = load(ca.issue("new.example"), PKCS8, false);
        assertFalse(loaded.expired(Instant.now()));
        assertTrue(loaded.expired(loaded.notAfter().plusSeconds(1)));
        assertFalse(loaded.expired(loaded.notAfter()));
    }

    // ---- chains and bundles ----

    @Test
    void chainKeepsFileOrder() throws Exception {
        TestPki intermediate = ca.intermediate("Balor Test Intermediate");
        TestPki.Leaf leaf = intermediate.issue("chain.example");
        LoadedCertificate loaded = load(leaf, PKCS8, true);

        X509Certificate[] chain = loaded.chain();
        assertEquals(3, chain.length);
        assertEquals(leaf.certificate(), chain[0]);
        assertEquals(intermediate.certificate(), chain[1]);
        assertEquals(ca.certificate(), chain[2]);
        assertEquals("CN=Balor Test Intermediate", loaded.issuer());

        chain[0] = chain[2];
        assertEquals(leaf.certificate(), loaded.chain()[0], "chain() returns a copy");
        assertNotSame(loaded.chain(), loaded.chain());
    }

    @Test
    void combinedFileHoldsChainAndKey() throws Exception {
        TestPki.Leaf leaf = ca.leaf("combined.example").rsa().issue();
        Path combined = dir.resolve("combined.pem");
        TestPki.write(combined, TestPki.pem(leaf.chain()) + leaf.keyPem(PKCS1));

        LoadedCertificate loaded = PemFiles.load(combined, combined);
        assertEquals(2, loaded.chain().length);
        assertEquals(leaf.certificate(), loaded.chain()[0]);
        assertEquals("RSA", loaded.keyAlgorithm());
    }

    @Test
    void combinedFileMayStartWithTheKey() throws Exception {
        TestPki.Leaf leaf = ca.issue("combined.example");
        Path combined = dir.resolve("combined.pem");
        TestPki.write(combined, "friendly comment\n" + leaf.keyPem(SEC1) + TestPki.pem(leaf.chain()));

        LoadedCertificate loaded = PemFiles.load(combined, combined);
        assertEquals(leaf.certificate(), loaded.chain()[0]);
    }

    @Test
    void keyFileCertificatesAreIgnored() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        TestPki.Leaf other = ca.issue("b.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        TestPki.write(key, TestPki.pem(List.of(other.certificate())) + leaf.keyPem(PKCS8));

        assertEquals(List.of("a.example"), PemFiles.load(cert, key).dnsNames());
    }

    @Test
    void readsEveryCertificateOfABundle() throws Exception {
        TestPki second = TestPki.ca("Second CA");
        Path bundle = dir.resolve("cas.pem");
        TestPki.write(bundle, "# two CAs\n" + TestPki.pem(List.of(ca.certificate(), second.certificate())));

        assertEquals(List.of(ca.certificate(), second.certificate()), PemFiles.readCertificates(bundle));
    }

    @Test
    void aBundleWithoutCertificatesIsAProblem() throws Exception {
        Path bundle = dir.resolve("cas.pem");
        Files.writeString(bundle, "");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(bundle));
        assertEquals(bundle + ": no certificate found (expected a CERTIFICATE block)", problem.getMessage());
        assertEquals(bundle, problem.file());
    }

    // ---- refusals ----

    @Test
    void mismatchedKeyIsAProblemNamingBothFiles() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        TestPki.Leaf other = ca.issue("a.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, true);
        other.writeKey(key, SEC1);

        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(key + ": the private key does not match the certificate in " + cert, problem.getMessage());
        assertEquals(key, problem.file());
    }

    @Test
    void aKeyOfTheOtherTypeDoesNotMatch() throws Exception {
        TestPki.Leaf ecLeaf = ca.issue("a.example");
        TestPki.Leaf rsaLeaf = ca.leaf("a.example").rsa().issue();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ecLeaf.writeCert(cert, false);
        rsaLeaf.writeKey(key, PKCS1);

        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertTrue(problem.getMessage().contains("does not match"), problem.getMessage());
    }

    @Test
    void leafMustComeFirst() throws Exception {
        TestPki intermediate = ca.intermediate("Balor Test Intermediate");
        TestPki.Leaf leaf = intermediate.issue("a.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestPki.write(cert, TestPki.pem(List.of(intermediate.certificate(), leaf.certificate())));
        leaf.writeKey(key, PKCS8);

        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(cert, problem.file());
        assertTrue(problem.getMessage().contains("matches certificate #2, not the first"), problem.getMessage());
    }

    @Test
    void missingFileIsAProblem() {
        Path cert = dir.resolve("nope.pem");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, cert));
        assertEquals(cert + ": file not found", problem.getMessage());
    }

    @Test
    void missingKeyFileIsAProblem() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("missing-key.pem");
        ca.issue("a.example").writeCert(cert, false);
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(key + ": file not found", problem.getMessage());
    }

    @Test
    void directoryIsAProblem() {
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(dir, dir));
        assertEquals(dir + ": not a regular file", problem.getMessage());
    }

    @Test
    void emptyFileHasNoCertificate() throws Exception {
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(empty, empty));
        assertEquals(empty + ": no certificate found (expected a CERTIFICATE block)", problem.getMessage());
    }

    @Test
    void emptyKeyFileHasNoKey() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ca.issue("a.example").writeCert(cert, false);
        Files.writeString(key, "");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertTrue(problem.getMessage().startsWith(key + ": no private key found"), problem.getMessage());
    }

    @Test
    void certificateOnlyFileAsKeyHasNoKey() throws Exception {
        Path cert = dir.resolve("cert.pem");
        ca.issue("a.example").writeCert(cert, true);
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, cert));
        assertEquals(cert + ": no private key found (expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)",
                problem.getMessage());
    }

    @Test
    void textWithoutPemBlocksHasNoCertificate() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "this is not a certificate\n\u00e9\u0000\n");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(garbage, garbage));
        assertTrue(problem.getMessage().startsWith(garbage + ": no certificate found"), problem.getMessage());
    }

    @Test
    void binaryGarbageHasNoCertificate() throws Exception {
        Path garbage = dir.resolve("garbage.der");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(garbage, bytes);
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(garbage));
        assertEquals(garbage, problem.file());
    }

    @Test
    void badBase64IsNotValidPem() throws Exception {
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(bad));
        assertTrue(problem.getMessage().startsWith(bad + ": not a valid PEM file"), problem.getMessage());
    }

    @Test
    void certificateBlockThatIsNotACertificateIsNotValidPem() throws Exception {
        Path bad = dir.resolve("bad.pem");
        TestPki.write(bad, TestPki.pem(List.of(new PemObject("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}))));
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(bad));
        assertEquals(bad, problem.file());
    }

    @Test
    void unknownBlockTypeIsNotValidPem() throws Exception {
        Path bad = dir.resolve("bad.pem");
        TestPki.write(bad, TestPki.pem(List.of(ca.certificate(), new PemObject("BALOR THING", new byte[] {1, 2}))));
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(bad));
        assertTrue(problem.getMessage().startsWith(bad + ": not a valid PEM file"), problem.getMessage());
    }

    @Test
    void oversizedFileIsRefused() throws Exception {
        Path big = dir.resolve("big.pem");
        Files.write(big, new byte[PemFiles.MAX_FILE_BYTES + 1]);
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.readCertificates(big));
        assertTrue(problem.getMessage().startsWith(big + ": larger than"), problem.getMessage());
    }

    @Test
    void twoKeysAreAProblem() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        TestPki.write(key, leaf.keyPem(PKCS8) + leaf.keyPem(SEC1));
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(key + ": holds 2 private keys; exactly one is expected", problem.getMessage());
    }

    @Test
    void unsupportedKeyTypeIsAProblem() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ca.issue("a.example").writeCert(cert, false);
        byte[] ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        TestPki.write(key, TestPki.pem(List.of(new PemObject("PRIVATE KEY", ed25519))));
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertEquals(key + ": unsupported private key type Ed25519; only RSA and EC keys are supported",
                problem.getMessage());
    }

    @Test
    void encryptedKeysFromOpensslAreRefused() throws Exception {
        assumeTrue(opensslAvailable(), "openssl is not on PATH");
        TestPki.Leaf leaf = ca.leaf("a.example").rsa().issue();
        Path cert = dir.resolve("cert.pem");
        Path plain = dir.resolve("plain.pem");
        Path pkcs8 = dir.resolve("key8.pem");
        Path pkcs1 = dir.resolve("key1.pem");
        leaf.writeCert(cert, false);
        leaf.writeKey(plain, PKCS8);
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:x",
                "-in", plain.toString(), "-out", pkcs8.toString());
        openssl("rsa", "-traditional", "-aes128", "-passout", "pass:x",
                "-in", plain.toString(), "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertTrue(Files.readString(pkcs1).contains("Proc-Type: 4,ENCRYPTED"));

        assertEncryptedRefused(cert, pkcs8);
        assertEncryptedRefused(cert, pkcs1);
    }

    @Test
    void encryptedPkcs8KeyIsRefused() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        // PBES2 (PBKDF2 + AES-256-CBC) with the JDK's own providers, as openssl pkcs8 -v2 does.
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        SecretKey secret = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec("x".toCharArray()));
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, secret,
                new PBEParameterSpec(new byte[16], 10_000, new IvParameterSpec(new byte[16])));
        byte[] encrypted = cipher.doFinal(leaf.keyPair().getPrivate().getEncoded());
        // javax.crypto.EncryptedPrivateKeyInfo cannot name PBES2 on JDK 17; BouncyCastle's ASN.1 can.
        AlgorithmIdentifier pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                ASN1Primitive.fromByteArray(cipher.getParameters().getEncoded()));
        byte[] info = new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(pbes2, encrypted).getEncoded();
        TestPki.write(key, TestPki.pem(List.of(new PemObject("ENCRYPTED PRIVATE KEY", info))));
        if (opensslAvailable()) { // a real encrypted key: openssl decrypts it
            openssl("pkcs8", "-in", key.toString(), "-passin", "pass:x", "-out", dir.resolve("decrypted.pem").toString());
        }

        assertEncryptedRefused(cert, key);
    }

    @Test
    void encryptedTraditionalKeyIsRefused() throws Exception {
        TestPki.Leaf leaf = ca.leaf("a.example").rsa().issue();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        // The headers openssl writes for a passphrase-protected PKCS#1 key. The body is never
        // decrypted (the key is refused first), so any bytes stand for the ciphertext here.
        List<PemHeader> headers = List.of(new PemHeader("Proc-Type", "4,ENCRYPTED"),
                new PemHeader("DEK-Info", "AES-128-CBC,00112233445566778899AABBCCDDEEFF"));
        TestPki.write(key, TestPki.pem(List.of(new PemObject("RSA PRIVATE KEY", headers, new byte[1200]))));

        assertEncryptedRefused(cert, key);
    }

    private static void assertEncryptedRefused(Path cert, Path key) {
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.load(cert, key));
        assertTrue(problem.getMessage().startsWith(key + ": encrypted private keys are not supported"),
                problem.getMessage());
    }

    // ---- trust ----

    @Test
    void trustManagerTrustsExactlyTheBundle() throws Exception {
        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);
        X509TrustManager trust = PemFiles.trustManager(bundle);
        TestPki.Leaf ours = ca.issue("upstream.internal");
        TestPki.Leaf theirs = TestPki.ca("Someone Else").issue("upstream.internal");

        X509Certificate[] chain = ours.chain().toArray(new X509Certificate[0]);
        trust.checkServerTrusted(chain, "ECDHE_ECDSA");
        trust.checkServerTrusted(new X509Certificate[] {ours.certificate()}, "UNKNOWN");
        assertEquals(List.of(ca.certificate()), List.of(trust.getAcceptedIssuers()));

        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(theirs.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {theirs.certificate()}, "UNKNOWN"));
    }

    @Test
    void trustManagerBuildsPathsThroughIntermediates() throws Exception {
        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);
        TestPki.Leaf leaf = ca.intermediate("Intermediate").issue("upstream.internal");
        X509Certificate[] chain = leaf.chain().subList(0, 2).toArray(new X509Certificate[0]);

        PemFiles.trustManager(bundle).checkServerTrusted(chain, "UNKNOWN");
        assertThrows(CertificateException.class, () -> PemFiles.trustManager(bundle)
                .checkServerTrusted(new X509Certificate[] {leaf.certificate()}, "UNKNOWN"), "no path without the intermediate");
    }

    @Test
    void trustManagerRefusesAnEmptyBundle() throws Exception {
        Path bundle = dir.resolve("ca.pem");
        Files.writeString(bundle, "nothing here\n");
        assertThrows(CertificateProblem.class, () -> PemFiles.trustManager(bundle));
    }

    // ---- real handshakes ----

    @Test
    void rsaPkcs1KeyServesATlsHandshake() throws Exception {
        TestPki.Leaf leaf = ca.leaf("localhost", "127.0.0.1").rsa().issue();
        assertHandshake(load(leaf, PKCS1, true));
    }

    @Test
    void ecSec1KeyServesATlsHandshake() throws Exception {
        TestPki.Leaf leaf = ca.issue("localhost", "127.0.0.1");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, true);
        leaf.writeSec1KeyWithParameters(key);
        assertHandshake(PemFiles.load(cert, key));
    }

    @Test
    void clientTrustingAnotherCaRefusesTheHandshake() throws Exception {
        LoadedCertificate served = load(TestPki.ca("Someone Else").issue("localhost", "127.0.0.1"), SEC1, true);
        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);
        assertThrows(SSLHandshakeException.class, () -> handshake(served, bundle));
    }

    private void assertHandshake(LoadedCertificate served) throws Exception {
        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);
        assertEquals(served.leaf(), handshake(served, bundle));
    }

    /**
     * A blocking TLS exchange on 127.0.0.1: a server serving {@code served}, a client trusting
     * {@code caBundle} and checking the server's name (its IP SAN) as HTTPS does. Returns the
     * leaf the client saw.
     */
    private static X509Certificate handshake(LoadedCertificate served, Path caBundle) throws Exception {
        char[] password = "in-memory".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", served.key(), password, served.chain());
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {PemFiles.trustManager(caBundle)}, null);

        ExecutorService acceptor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Future<?> echo = acceptor.submit(() -> {
                try (Socket accepted = listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    int b = accepted.getInputStream().read();
                    accepted.getOutputStream().write(b + 1);
                    accepted.getOutputStream().flush();
                }
                return null;
            });
            X509Certificate seen;
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(41);
                out.flush();
                assertEquals(42, in.read());
                seen = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
            // only now: the server's close waits for the client's close_notify
            echo.get(10, TimeUnit.SECONDS);
            return seen;
        } finally {
            acceptor.shutdownNow();
            assertTrue(acceptor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // ---- helpers ----

    private LoadedCertificate load(TestPki.Leaf leaf, TestPki.KeyFormat format, boolean withChain) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, withChain);
        leaf.writeKey(key, format);
        return PemFiles.load(cert, key);
    }

    /** The same key, whatever optional fields its encoding carries (SEC1's curve and public key). */
    private static void assertSameKey(PrivateKey expected, PrivateKey actual) {
        assertEquals(expected.getAlgorithm(), actual.getAlgorithm());
        if (expected instanceof ECPrivateKey ec) {
            assertEquals(ec.getS(), ((ECPrivateKey) actual).getS());
        } else {
            assertArrayEquals(expected.getEncoded(), actual.getEncoded());
        }
    }

    private static boolean opensslAvailable() {
        try {
            Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl timed out");
        assertEquals(0, process.exitValue(), output);
    }
}
