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
import java.util.regex.Pattern;

/**
 * The certificate directory ({@code BALOR_CERT_DIR}): an uploaded bundle becomes
 * {@code NAME.crt} (the chain) and {@code NAME.key} (the key), both mode 600 in a directory of
 * mode 700 when it makes it, both written to temp
 * files first, checked as a listener would load them ({@link CertificateFiles#check}: valid PEM,
 * the key matching the certificate), and only then renamed into place. Names are checked
 * ({@link #nameProblem}) so no path leaves the directory. Callers serialise uploads; any thread.
 */
final class CertificateFolder {

    /** What a stored bundle's files are. */
    record Stored(Path certFile, Path keyFile) {
    }

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    /** A line inside a block: base64, or an RFC 1421 header such as {@code Proc-Type: 4,ENCRYPTED}. */
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]{0,128}|[A-Za-z-]{1,40}: [ -~]{0,200}");
    private static final int MAX_PEM = 256 * 1024;

    private final Path dir;

    CertificateFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** Why {@code name} cannot name a certificate ({@link io.balor.config.Names}), or null when it can. */
    static String nameProblem(String name) {
        return io.balor.config.Names.problem(name) == null ? null
                : "a certificate name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit"
                + (name.length() <= 64 ? ", was '" + name + "'" : "");
    }

    /**
     * Splits {@code pem} (certificates and, unless {@code key} is given, the key), checks the
     * pair and keeps it under {@code name}.
     *
     * @throws ApiException 400 naming what is wrong with the PEM (nothing is kept then)
     */
    Stored store(String name, String pem, String key) {
        if (pem.length() > MAX_PEM || (key != null && key.length() > MAX_PEM)) {
            throw ApiException.badRequest("pem", "a PEM bundle is at most 256 KiB",
                    "send only the certificate chain and its key");
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
        if (Files.exists(cert, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || Files.exists(keyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.conflict("files named '" + name + "' already exist in the certificate directory",
                    "pick another name: an upload never replaces files it did not make");
        }
        Path certTemp = null;
        Path keyTemp = null;
        try {
            io.balor.FileModes.createPrivateDirectories(dir);
            certTemp = temp(chain.toString());
            keyTemp = temp(keyPem.toString());
            CertificateStatus status = CertificateFiles.check(certTemp, keyTemp);
            if (status.problem() != null) {
                // Named as the files it would be kept as: the temp files' names mean nothing to the caller.
                String keyFrom = key == null ? "pem" : "key";
                throw ApiException.badRequest("pem", "the bundle does not load: " + status.problem()
                                .replace(certTemp.toString(), cert.getFileName().toString())
                                .replace(keyTemp.toString(), keyFile.getFileName().toString()),
                        cert.getFileName() + " would hold the certificates of pem, " + keyFile.getFileName()
                                + " the key of " + keyFrom + "; check that the key belongs to the first certificate");
            }
            Files.move(keyTemp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            keyTemp = null;
            Files.move(certTemp, cert, StandardCopyOption.ATOMIC_MOVE);
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

    /**
     * Certificates to {@code chain}, keys (and EC parameters) to {@code key}; anything else is
     * refused. Line by line, so any input takes time linear in its length.
     */
    private static void split(String pem, String field, StringBuilder chain, StringBuilder key) {
        String type = null;
        StringBuilder block = new StringBuilder();
        for (String line : pem.split("\r?\n", -1)) {
            if (type == null) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() <= BEGIN.length() + DASHES.length()) {
                    throw ApiException.badRequest(field, "text outside PEM blocks", "send only -----BEGIN ...----- blocks");
                }
                type = line.substring(BEGIN.length(), line.length() - DASHES.length());
                block.setLength(0);
                block.append(line).append('\n');
            } else if (line.equals(END + type + DASHES)) {
                block.append(line).append('\n');
                keep(type, block.toString(), field, chain, key);
                type = null;
            } else if (BASE64.matcher(line).matches()) {
                block.append(line).append('\n');
            } else {
                throw ApiException.badRequest(field, "not a PEM bundle (a " + type + " block is cut or broken)",
                        "send whole -----BEGIN ...----- blocks");
            }
        }
        if (type != null) {
            throw ApiException.badRequest(field, "not a PEM bundle (a " + type + " block is cut)", "send whole blocks");
        }
    }

    private static void keep(String type, String block, String field, StringBuilder chain, StringBuilder key) {
        if (type.equals("CERTIFICATE") && chain != null) {
            chain.append(block);
        } else if (type.startsWith("ENCRYPTED") && type.endsWith("PRIVATE KEY")) {
            throw ApiException.badRequest(field, "the key is encrypted", "decrypt it first (openssl pkey -in k.pem)");
        } else if ((type.endsWith("PRIVATE KEY") || type.equals("EC PARAMETERS")) && key != null) {
            key.append(block);
        } else {
            throw ApiException.badRequest(field, "unexpected PEM block " + type,
                    "send CERTIFICATE blocks (leaf first) and one PRIVATE KEY block");
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
