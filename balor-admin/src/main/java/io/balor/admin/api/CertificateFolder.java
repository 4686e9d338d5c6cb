package io.balor.admin.api;

import io.balor.CertificateFiles;
import io.balor.CertificateStatus;
import io.balor.admin.http.ApiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificate directory ({@code BALOR_CERT_DIR}): an uploaded bundle becomes
 * {@code NAME.crt} (the chain) and {@code NAME.key} (the key, mode 600), both written to temp
 * files first, checked as a listener would load them ({@link CertificateFiles#check}: valid PEM,
 * the key matching the certificate), and only then renamed into place. Names are checked
 * ({@link #nameProblem}) so no path leaves the directory. Callers serialise uploads; any thread.
 */
final class CertificateFolder {

    /** What a stored bundle's files are. */
    record Stored(Path certFile, Path keyFile) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n[A-Za-z0-9+/=\\r\\n:, -]*?-----END \\1-----\\r?\\n?");
    private static final int MAX_PEM = 256 * 1024;

    private final Path dir;

    CertificateFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** Why {@code name} cannot name a certificate, or null when it can. */
    static String nameProblem(String name) {
        return NAME.matcher(name).matches() ? null
                : "a certificate name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.', was '"
                + name + "'";
    }

    /**
     * Splits {@code pem} (certificates and, unless {@code key} is given, the key), checks the
     * pair and keeps it under {@code name}.
     *
     * @throws ApiException 400 naming what is wrong with the PEM (nothing is kept then)
     */
    Stored store(String name, String pem, String key) {
        if (pem.length() > MAX_PEM || (key != null && key.length() > MAX_PEM)) {
            throw ApiException.badRequest("pem", "a PEM bundle is at most 256 KiB", "");
        }
        StringBuilder chain = new StringBuilder();
        StringBuilder keyPem = new StringBuilder();
        split(pem, "pem", chain, key == null ? keyPem : null);
        if (key != null) {
            split(key, "key", null, keyPem);
        }
        if (chain.isEmpty()) {
            throw ApiException.badRequest("pem", "the bundle has no CERTIFICATE block", "paste the certificate chain, leaf first");
        }
        if (keyPem.isEmpty()) {
            throw ApiException.badRequest(key == null ? "pem" : "key", "the bundle has no PRIVATE KEY block",
                    "add the private key (PKCS#8, PKCS#1 or SEC1; not encrypted)");
        }
        Path cert = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Path certTemp = null;
        Path keyTemp = null;
        try {
            Files.createDirectories(dir);
            certTemp = temp(chain.toString());
            keyTemp = temp(keyPem.toString());
            CertificateStatus status = CertificateFiles.check(certTemp, keyTemp);
            if (status.problem() != null) {
                throw ApiException.badRequest("pem", "the bundle does not load: "
                        + status.problem().replace(certTemp.toString(), "certificate").replace(keyTemp.toString(), "key"),
                        "check that the key belongs to the first certificate");
            }
            Files.move(keyTemp, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            keyTemp = null;
            Files.move(certTemp, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            certTemp = null;
            return new Stored(cert, keyFile);
        } catch (IOException e) {
            throw new ApiException(500, "the certificate could not be written", "check " + dir, null);
        } finally {
            deleteQuietly(certTemp);
            deleteQuietly(keyTemp);
        }
    }

    String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ApiException(500, "the certificate file could not be read", "check " + file, null);
        }
    }

    void delete(Stored stored) {
        deleteQuietly(stored.certFile());
        deleteQuietly(stored.keyFile());
    }

    /** Certificates to {@code chain}, keys (and EC parameters) to {@code key}; anything else is refused. */
    private static void split(String pem, String field, StringBuilder chain, StringBuilder key) {
        Matcher block = BLOCK.matcher(pem);
        int at = 0;
        while (block.find()) {
            if (!pem.substring(at, block.start()).isBlank()) {
                throw ApiException.badRequest(field, "text outside PEM blocks", "send only -----BEGIN ...----- blocks");
            }
            String type = block.group(1);
            String text = block.group().endsWith("\n") ? block.group() : block.group() + "\n";
            if (type.equals("CERTIFICATE") && chain != null) {
                chain.append(text);
            } else if ((type.endsWith("PRIVATE KEY") || type.equals("EC PARAMETERS")) && key != null) {
                if (type.startsWith("ENCRYPTED")) {
                    throw ApiException.badRequest(field, "the key is encrypted", "decrypt it first (openssl pkey -in k.pem)");
                }
                key.append(text);
            } else {
                throw ApiException.badRequest(field, "unexpected PEM block " + type, "");
            }
            at = block.end();
        }
        if (!pem.substring(at).isBlank()) {
            throw ApiException.badRequest(field, "not a PEM bundle (or a block is cut)", "send -----BEGIN ...----- blocks");
        }
    }

    private Path temp(String content) throws IOException {
        Path temp = Files.createTempFile(dir, ".upload.", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        return temp;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray upload temp file is harmless: never read
            }
        }
    }
}
