package io.balor.tls;

import java.nio.file.Path;

/**
 * Why a PEM certificate, key or CA bundle cannot be used. The message names the file first and
 * then says plainly what is wrong with it, for example
 * {@code "key.pem: the private key does not match the certificate in cert.pem"}, so that it can be
 * shown to an operator as it is.
 *
 * <p>Immutable; thrown by {@link PemFiles} (and the TLS setup built on it) on whichever thread
 * called it.
 */
public final class CertificateProblem extends Exception {

    private final String file;

    /** {@code file}: the file at fault; {@code what}: what is wrong with it, without the name. */
    public CertificateProblem(Path file, String what) {
        super(file + ": " + what);
        this.file = file.toString();
    }

    public CertificateProblem(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file.toString();
    }

    /** A problem the caller has already worded, naming the file itself if there is one. */
    public CertificateProblem(String message) {
        super(message);
        this.file = null;
    }

    public CertificateProblem(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /** The file at fault as the caller named it, or null when the problem was made from a message alone. */
    public Path file() {
        return file == null ? null : Path.of(file);
    }
}
