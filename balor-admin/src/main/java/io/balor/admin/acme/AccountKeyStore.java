package io.balor.admin.acme;

import io.balor.FileModes;
import io.balor.admin.state.AtomicFile;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * The ACME account key on disk: one ES256 (P-256) key, PEM PKCS#8 ({@code PRIVATE KEY}), in
 * {@value #FILE_NAME} under a directory the caller names (the daemon's {@code BALOR_ACME_DIR},
 * default {@code data/acme}). The directory is mode 700, the file 600, written atomically
 * ({@link AtomicFile}) and never replaced: losing the key loses the account. Blocking file I/O on
 * the caller's thread; immutable.
 *
 * <p>PKCS#8 as the JDK writes it holds only the private scalar, so the public point is computed
 * again on load ({@code d·G} on P-256, BouncyCastle's curve arithmetic).
 */
public final class AccountKeyStore {

    public static final String FILE_NAME = "account-key.pem";

    private static final String LABEL = "PRIVATE KEY";

    private final Path directory;

    public AccountKeyStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** Where the key is (or will be). */
    public Path file() {
        return directory.resolve(FILE_NAME);
    }

    /** The saved key, or a new one saved first (a concurrent creator's key wins: both read it). */
    public KeyPair loadOrCreate() throws IOException {
        if (Files.exists(file())) {
            return load();
        }
        FileModes.createPrivateDirectories(directory);
        if (FileModes.posix(directory)) {
            Files.setPosixFilePermissions(directory, FileModes.PRIVATE_DIRECTORY);
        }
        KeyPair fresh = CertificateKeyType.EC_P256.generate();
        try {
            byte[] pem = PemText.encode(LABEL, fresh.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
            AtomicFile.write(file(), pem, false);
            return fresh;
        } catch (FileAlreadyExistsException e) {
            return load();
        }
    }

    /**
     * The saved key.
     *
     * @throws NoSuchFileException when there is none
     * @throws IOException         when it is not a P-256 PKCS#8 PEM key
     */
    public KeyPair load() throws IOException {
        String text = Files.readString(file(), StandardCharsets.US_ASCII);
        try {
            return fromPkcs8(PemText.decode(text, LABEL));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("the ACME account key " + file() + " is not a P-256 PKCS#8 PEM key: "
                    + e.getMessage(), e);
        }
    }

    static KeyPair fromPkcs8(byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("EC");
        if (!(factory.generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof ECPrivateKey key)
                || key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("not a P-256 key");
        }
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(key.getS()).normalize();
        BigInteger x = q.getAffineXCoord().toBigInteger();
        BigInteger y = q.getAffineYCoord().toBigInteger();
        return new KeyPair(factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), key.getParams())), key);
    }
}
