package io.balor.admin.acme;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AcmeClient} against a real Pebble (see {@link PebbleServer}): HTTP-01 through a loopback
 * challenge server, DNS-01 and a wildcard through challtestsrv's TXT records, Pebble's default
 * 5 % {@code badNonce} rejection left on throughout, and the failure paths (wrong answer, terms
 * not accepted, CA unreachable, External Account Binding required).
 */
class AcmeClientPebbleTest {

    @TempDir
    static Path temp;

    private static ChallengeHttpServer challenges;
    private static PebbleServer pebble;
    private static ChallTestSrvTxtRecords txt;
    private static AcmeOptions options;

    @BeforeAll
    static void startPebble() throws Exception {
        challenges = new ChallengeHttpServer();
        pebble = PebbleServer.start(temp, challenges.port());
        txt = new ChallTestSrvTxtRecords(pebble.challtestsrvUrl());
        options = AcmeOptions.DEFAULTS.withTrustedCaFile(pebble.caBundle())
                .withRequestTimeout(Duration.ofSeconds(10))
                .withPollInterval(Duration.ofMillis(50))
                .withValidationTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
        if (challenges != null) {
            challenges.close();
        }
    }

    @Test
    void issuesSeveralCertificatesOverHttp01WithBadNonceRejectionOn() throws Exception {
        AcmeClient client = client();
        AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true));
        assertTrue(account.created());
        assertEquals("valid", account.status());
        X509Certificate root = pebble.issuingRoot();
        for (int i = 1; i <= 3; i++) {
            CertificateKeyType type = i == 3 ? CertificateKeyType.RSA_2048 : CertificateKeyType.EC_P256;
            OrderRequest order = OrderRequest.of(ChallengeType.HTTP_01, "h" + i + ".x.test", "www.h" + i + ".x.test")
                    .withKeyType(type);
            IssuedCertificate issued = client.issue(account, order, challenges, null);
            X509Certificate leaf = verify(issued, root);
            assertTrue(type == CertificateKeyType.RSA_2048 ? leaf.getPublicKey() instanceof RSAPublicKey
                    : leaf.getPublicKey() instanceof ECPublicKey, "key type " + type);
        }
        assertEquals(0, challenges.inFlight(), "every token withdrawn");
        assertTrue(challenges.publishedCount() > 0);
        // Pebble refuses 5 % of good nonces: over these ~40 POSTs a retry is likely, not certain.
        System.out.println("badNonce retries over three issuances: " + client.badNonceRetries());
    }

    @Test
    void issuesOverDns01ThroughChalltestsrv() throws Exception {
        AcmeClient client = client();
        AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true));
        IssuedCertificate issued = client.issue(account, OrderRequest.of(ChallengeType.DNS_01, "dns.x.test"), null, txt);
        X509Certificate leaf = verify(issued, pebble.issuingRoot());
        assertTrue(txt.presented("_acme-challenge.dns.x.test."));
        assertTrue(client.renewalWindow(leaf).isEmpty(), "Debian's Pebble 2.4 has no renewalInfo (ARI)");
        assertEquals(0, txt.outstanding(), "every TXT record cleaned up");
    }

    @Test
    void issuesAWildcardOverDns01() throws Exception {
        AcmeClient client = client();
        AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true));
        IssuedCertificate issued = client.issue(account,
                OrderRequest.of(ChallengeType.DNS_01, "*.wild.x.test", "wild.x.test"), null, txt);
        X509Certificate leaf = verify(issued, pebble.issuingRoot());
        assertTrue(leaf.getSubjectX500Principal().getName().contains("CN=*.wild.x.test")
                || sans(leaf).contains("*.wild.x.test"));
        assertTrue(txt.presented("_acme-challenge.wild.x.test."), "the wildcard's TXT name drops the *.");
        assertEquals(0, txt.outstanding());
        assertThrows(IllegalArgumentException.class, () -> OrderRequest.of(ChallengeType.HTTP_01, "*.wild.x.test"));
    }

    @Test
    void wrongKeyAuthorizationFailsTheAuthorizationWithPebblesProblem() throws Exception {
        AcmeClient client = client();
        AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true));
        challenges.answerWrongly(true);
        AcmeException failure;
        try {
            failure = assertThrows(AcmeException.class,
                    () -> client.issue(account, OrderRequest.of(ChallengeType.HTTP_01, "wrong.x.test"), challenges, null));
        } finally {
            challenges.answerWrongly(false);
        }
        assertEquals("authorization for wrong.x.test", failure.step());
        AcmeProblem problem = failure.problem().orElseThrow();
        assertEquals(AcmeProblem.ACME_ERROR + "unauthorized", problem.type(), problem.toString());
        assertTrue(failure.getMessage().startsWith("authorization for wrong.x.test: " + problem.type()), failure.getMessage());
        assertFalse(failure.rateLimited());
        assertEquals(0, challenges.inFlight(), "the token is withdrawn after a failure too");
    }

    @Test
    void termsNotAcceptedAreRefusedBeforeAnAccountIsAskedFor() throws Exception {
        AcmeClient client = client();
        URI terms = client.directory().termsOfService();
        assertTrue(terms != null, "Pebble's directory has terms");
        KeyPair key = CertificateKeyType.EC_P256.generate();
        AcmeException refused = assertThrows(AcmeException.class,
                () -> client.register(key, AccountRequest.of("ops@x.test", false)));
        assertEquals("newAccount", refused.step());
        assertTrue(refused.getMessage().contains(terms.toString()), refused.getMessage());
        assertTrue(refused.problem().isEmpty(), "refused here, not by the CA");
        AcmeException none = assertThrows(AcmeException.class, () -> client.findAccount(key));
        assertEquals(AcmeProblem.ACCOUNT_DOES_NOT_EXIST, none.problem().orElseThrow().type(), "no account was created");
    }

    @Test
    void unreachableCaIsAClearMessageWithinTheTimeout() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        AcmeClient client = new AcmeClient(URI.create("https://127.0.0.1:" + closed + "/dir"),
                options.withRequestTimeout(Duration.ofSeconds(3)));
        long start = System.nanoTime();
        AcmeException failure = assertThrows(AcmeException.class,
                () -> client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
        assertEquals("directory", failure.step());
        assertTrue(failure.getMessage().contains("cannot reach the ACME server at https://127.0.0.1:" + closed),
                failure.getMessage());
    }

    @Test
    void anAccountKeyOnDiskFindsItsAccountFromASecondClient() throws Exception {
        Path dir = temp.resolve("acme-" + System.nanoTime());
        KeyPair first = new AccountKeyStore(dir).loadOrCreate();
        AcmeAccount registered = client().register(first, AccountRequest.of("ops@x.test", true));
        assertTrue(registered.created());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Path keyFile = dir.resolve(AccountKeyStore.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PRIVATE KEY-----"));

        KeyPair again = new AccountKeyStore(dir).loadOrCreate();
        assertEquals(first.getPublic(), again.getPublic());
        AcmeClient second = client();
        assertEquals(registered.url(), second.findAccount(again).url());
        AcmeAccount existing = second.register(again, AccountRequest.of("ops@x.test", true));
        assertEquals(registered.url(), existing.url());
        assertFalse(existing.created());
        IssuedCertificate issued = second.issue(existing, OrderRequest.of(ChallengeType.HTTP_01, "reuse.x.test"), challenges, null);
        verify(issued, pebble.issuingRoot());
    }

    @Test
    void externalAccountBindingIsRequiredAndAccepted() throws Exception {
        String macKey = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
        try (PebbleServer eab = PebbleServer.start(temp.resolve("eab"), challenges.port(), Map.of(),
                Map.of("kid-1", macKey))) {
            AcmeClient client = new AcmeClient(eab.directoryUrl(), options.withTrustedCaFile(eab.caBundle()));
            assertTrue(client.directory().externalAccountRequired());
            KeyPair key = CertificateKeyType.EC_P256.generate();
            AcmeException refused = assertThrows(AcmeException.class,
                    () -> client.register(key, AccountRequest.of("ops@x.test", true)));
            assertTrue(refused.getMessage().contains("External Account Binding"), refused.getMessage());
            AcmeException wrongKey = assertThrows(AcmeException.class, () -> client.register(key,
                    AccountRequest.of("ops@x.test", true).withBinding(new ExternalAccountBinding("kid-1", "AAAA"))));
            assertEquals("newAccount", wrongKey.step());
            assertTrue(wrongKey.problem().isPresent(), "the CA's refusal of a wrong MAC");
            AcmeAccount account = client.register(key,
                    AccountRequest.of("ops@x.test", true).withBinding(new ExternalAccountBinding("kid-1", macKey)));
            assertTrue(account.created());
        }
    }

    @Test
    void badNonceIsRetriedABoundedNumberOfTimes() throws Exception {
        try (PebbleServer rejecting = PebbleServer.start(temp.resolve("nonces"), challenges.port(),
                Map.of("PEBBLE_WFE_NONCEREJECT", "100"), Map.of())) {
            AcmeClient client = new AcmeClient(rejecting.directoryUrl(), options.withTrustedCaFile(rejecting.caBundle()));
            AcmeException failure = assertThrows(AcmeException.class,
                    () -> client.register(CertificateKeyType.EC_P256.generate(), AccountRequest.of("ops@x.test", true)));
            assertEquals(AcmeProblem.BAD_NONCE, failure.problem().orElseThrow().type());
            assertEquals(AcmeTransport.BAD_NONCE_ATTEMPTS - 1, client.badNonceRetries());
        }
    }

    private static AcmeClient client() throws Exception {
        return new AcmeClient(pebble.directoryUrl(), options);
    }

    /** The chain parses, validates up to Pebble's root of this run, and its leaf covers the names. */
    private static X509Certificate verify(IssuedCertificate issued, X509Certificate root) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Collection<? extends java.security.cert.Certificate> parsed = factory.generateCertificates(
                new ByteArrayInputStream(issued.certificateChainPem().getBytes(StandardCharsets.US_ASCII)));
        List<X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate cert : parsed) {
            chain.add((X509Certificate) cert);
        }
        assertTrue(chain.size() >= 2, "leaf and intermediate");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(chain), parameters);
        X509Certificate leaf = chain.get(0);
        assertEquals(new TreeSet<>(issued.names()), sans(leaf));
        assertEquals(leaf.getNotBefore().toInstant(), issued.notBefore());
        assertEquals(leaf.getNotAfter().toInstant(), issued.notAfter());
        assertTrue(issued.notAfter().isAfter(Instant.now()));
        KeyPair key = loadKey(issued.privateKeyPem(), leaf);
        assertEquals(leaf.getPublicKey(), key.getPublic());
        return leaf;
    }

    private static KeyPair loadKey(String pem, X509Certificate leaf) throws Exception {
        byte[] der = PemText.decode(pem, "PRIVATE KEY");
        java.security.KeyFactory factory = java.security.KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm());
        java.security.PrivateKey key = factory.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        java.security.Signature signer = java.security.Signature.getInstance(
                leaf.getPublicKey() instanceof RSAPublicKey ? "SHA256withRSA" : "SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        signer.initVerify(leaf.getPublicKey());
        signer.update(new byte[] {1, 2, 3});
        assertTrue(signer.verify(signature), "the private key PEM matches the leaf");
        return new KeyPair(leaf.getPublicKey(), key);
    }

    private static Set<String> sans(X509Certificate leaf) throws Exception {
        Set<String> names = new TreeSet<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
            if ((Integer) san.get(0) == 2) {
                names.add((String) san.get(1));
            }
        }
        return names;
    }
}
