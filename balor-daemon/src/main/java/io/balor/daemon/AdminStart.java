package io.balor.daemon;

import io.balor.CertificateFiles;
import io.balor.admin.acme.AcmeOptions;
import io.balor.admin.acme.jobs.AcmeSettings;
import io.balor.admin.api.AdminServer;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.http.ApiServer;
import io.balor.admin.state.ConsoleSettings;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;
import io.balor.config.HostPort;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Starts the daemon's admin API where it was asked to listen, never anywhere wider and never
 * without the TLS it was asked for. The address is {@code BALOR_HTTP_ADDR} when set, else the
 * saved {@code admin_console.bind} ({@link ConsoleSettings}), else {@code 127.0.0.1:9443}; it
 * serves HTTPS when {@code admin_console} names a certificate. Saved settings that cannot be used
 * (a certificate that does not load, an address in use or not on this host) stop the start with
 * the reason: falling back to another address or to plain HTTP would open what the owner closed.
 * A network address without TLS starts with a warning. Runs once on the main thread.
 */
final class AdminStart {

    /** The admin API could not start as asked; the message says why and what to do. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private AdminStart() {
    }

    /**
     * Starts the admin API with jdk.httpserver's timeouts and limits set first (JVM-wide
     * properties read once).
     *
     * @param addressGiven whether {@code BALOR_HTTP_ADDR} was set (it wins over the saved bind)
     */
    static AdminServer start(DaemonEnv env, boolean addressGiven, StateStore store, String version, PrintStream err)
            throws Refused {
        ApiServer.applyTimeoutDefaults();
        ConsoleSettings saved = ConsoleSettings.of(store.current(), store.file());
        HostPort bind = addressGiven || saved.bind() == null ? env.adminAddress() : saved.bind();
        String where = addressGiven || saved.bind() == null ? DaemonEnv.HTTP_ADDR + "=" + bind.authority()
                : "admin_console.bind " + bind.authority() + " (saved in " + store.file() + ")";
        SSLContext tls = null;
        if (saved.tls()) {
            try {
                tls = CertificateFiles.serverContext(saved.certFile(), saved.keyFile());
            } catch (RuntimeException e) {
                throw new Refused(saved.certPath() + ": the console certificate cannot be used (" + e.getMessage()
                        + "); the admin API does not fall back to plain HTTP. Fix the file, or change admin_console"
                        + " in " + store.file() + ", and start again", e);
            }
        }
        AdminServer admin;
        try {
            admin = AdminServer.start(settings(env, bind, version), store, tls);
        } catch (IOException e) {
            throw new Refused("the admin API cannot listen on " + where + ": " + e.getMessage()
                    + "; it does not fall back to another address. Free the address or change it, and start again", e);
        } catch (StateFileException | RuntimeException e) {
            throw new Refused("the admin API cannot start: " + e.getMessage(), e);
        }
        if (tls == null && !ConsoleSettings.loopback(bind)) {
            err.println("balor: warning: the admin API listens on " + bind.authority() + " without TLS: passwords and"
                    + " tokens cross the network in clear text. Save a certificate with PUT /api/admin/console, or"
                    + " bind 127.0.0.1");
        }
        return admin;
    }

    private static AdminServer.Settings settings(DaemonEnv env, HostPort bind, String version) {
        return new AdminServer.Settings(bind.toSocketAddress(),
                env.adminToken(), env.defaultAdminPassword(), env.bootstrapSecretFile().toAbsolutePath(),
                env.certDir().toAbsolutePath(), env.logDir().toAbsolutePath(), env.logMaxBytes(), env.logKeep(),
                env.metricsAuth(), new PasswordHasher(), Clock.systemUTC(), version)
                .withHostNames(env.adminHosts())
                .withSessions(env.sessionIdle(), env.sessionMax())
                .withHealthScriptDir(env.healthScriptDir() == null ? null : env.healthScriptDir().toAbsolutePath())
                .withConsoleDir(env.adminDist() == null ? null : env.adminDist().toAbsolutePath())
                .withAcme(env.acmeDisabled() ? null : AcmeSettings.in(env.acmeDir().toAbsolutePath())
                        .withClient(AcmeOptions.DEFAULTS.withTrustedCaFile(env.acmeCaFile() == null ? null
                                : env.acmeCaFile().toAbsolutePath()))
                        .withBinding(env.acmeEab()));
    }
}
