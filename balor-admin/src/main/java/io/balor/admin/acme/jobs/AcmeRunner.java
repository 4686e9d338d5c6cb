package io.balor.admin.acme.jobs;

import io.balor.CertificateFiles;
import io.balor.CertificateStatus;
import io.balor.admin.acme.AcmeException;
import io.balor.admin.acme.AcmeJobStore;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.IssuedCertificate;
import io.balor.admin.acme.RenewalPolicy;
import io.balor.admin.acme.RenewalWindow;
import io.balor.admin.state.StateStore;
import io.balor.log.EventLog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the ACME jobs ({@link AcmeJobs}) on one thread of its own ({@code balor-acme}), so nothing
 * ACME does waits on an event loop or holds an admin worker. Every {@link AcmeSettings#lookInterval}
 * (and at once when asked: {@link #lookNow}, {@link #renew}) it derives the jobs from the current
 * state and, for each:
 * <ul>
 *   <li>a job seen for the first time whose files already hold a certificate for its name (one
 *   issued before, or migrated) is {@code valid}, renewed when due: none is issued needlessly;</li>
 *   <li>a job is tried when its {@code next_attempt} has come: at first, when renewal is due (two
 *   thirds of the lifetime, or the CA's ARI window: {@link RenewalPolicy}), after a failure
 *   with exponential backoff (or the CA's {@code Retry-After}, when later), and at once when the
 *   files no longer hold a usable certificate;</li>
 *   <li>a success is installed ({@link CertificateInstall}: hot swap, no restart); a failure
 *   leaves the files and the served certificate as they were, and is kept in the status with the
 *   CA's problem;</li>
 *   <li>a certificate with under a week left is a WARNING event (once a day per job).</li>
 * </ul>
 * Statuses are kept in {@link AcmeJobStore} (across restarts); a job that left the state is
 * forgotten. The clock is injectable, so a test drives renewal time without waiting.
 *
 * <p>Threads: looks, attempts and installs run on the ACME thread only, which alone owns
 * {@code warned}, the {@link Issuer} (its clients and accounts) and the {@link CertificateInstall};
 * {@link #lookNow}, {@link #renew}, {@link #jobs} and {@link #statuses} are called from admin
 * workers, and statuses cross between them through the synchronized {@link AcmeJobStore}.
 * {@link #close} interrupts an issuance under way (its tokens and TXT records are withdrawn);
 * an install is safe against that ({@link CertificateInstall}).
 *
 * <p>ACME lives here, in balor-admin beside the state it changes (the state file, the
 * certificates section, route tls), rather than in balor-core: an embedder without the admin
 * server publishes HTTP-01 answers itself ({@code Balor.publishAcmeChallenge}) with the client.
 */
public final class AcmeRunner implements AutoCloseable {

    /** A job and where it stands. */
    public record JobView(AcmeJob job, AcmeStatus status) {
    }

    private static final Duration WARN_EVERY = Duration.ofDays(1);
    private static final String SOURCE = "acme";

    private final StateStore store;
    private final Path certDir;
    private final Clock clock;
    private final AcmeJobStore statuses;
    private final Issuer issuer;
    private final RenewalPolicy policy;
    private final CertificateInstall install;
    private final ScheduledExecutorService thread;
    private final Map<String, Instant> warned = new HashMap<>();   // the ACME thread's

    AcmeRunner(StateStore store, Path certDir, Clock clock, AcmeJobStore statuses, Issuer issuer,
               RenewalPolicy policy) {
        this.store = store;
        this.certDir = certDir.toAbsolutePath();
        this.clock = clock;
        this.statuses = statuses;
        this.issuer = issuer;
        this.policy = policy;
        this.install = new CertificateInstall(store, this.certDir);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "balor-acme");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /**
     * A runner for {@code store}'s jobs, certificates going to {@code certDir} by default, looking
     * at them every {@link AcmeSettings#lookInterval} from now on.
     *
     * @throws IOException when the ACME directory cannot be made or its status file read
     */
    public static AcmeRunner start(AcmeSettings settings, StateStore store, Path certDir, Clock clock)
            throws IOException {
        AcmeJobStore statuses = new AcmeJobStore(settings.dir());
        AcmeRunner runner = new AcmeRunner(store, certDir, clock, statuses,
                new AcmeIssuer(settings, store.balor(), store::current, clock), new RenewalPolicy(new SecureRandom()::nextDouble));
        runner.every(settings.lookInterval());
        return runner;
    }

    /** Looks at the jobs every {@code interval}, the first time now. */
    void every(Duration interval) {
        thread.scheduleWithFixedDelay(this::look, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks at the jobs now, on the ACME thread; the future ends when that look has. */
    public Future<?> lookNow() {
        return thread.submit(this::look);
    }

    /**
     * Tries job {@code id} at once (its backoff forgotten), on the ACME thread.
     *
     * @return whether there is such a job now
     */
    public boolean renew(String id) {
        AcmeJob job = AcmeJobs.find(store.current(), store.file(), certDir, id);
        if (job == null) {
            return false;
        }
        thread.submit(() -> {
            AcmeStatus status = statuses.get(job.id());
            Instant now = clock.instant();
            save(job.id(), status == null ? AcmeStatus.pending(now) : new AcmeStatus(AcmeStatus.PENDING,
                    "renewal asked for", status.notAfter(), now, status.attempts(), status.problemType(),
                    status.problemDetail()));
            look();
        });
        return true;
    }

    /** Every job of the current state with its status (a new job is pending until first looked at). */
    public List<JobView> jobs() {
        Instant now = clock.instant();
        List<JobView> views = new ArrayList<>();
        for (AcmeJob job : AcmeJobs.of(store.current(), store.file(), certDir)) {
            AcmeStatus status = statuses.get(job.id());
            views.add(new JobView(job, status != null ? status : AcmeStatus.pending(now)));
        }
        return views;
    }

    /** Every job's status by id, as last saved (a job not looked at yet has none). */
    public java.util.Map<String, AcmeStatus> statuses() {
        return statuses.all();
    }

    private void look() {
        try {
            Instant now = clock.instant();
            List<AcmeJob> jobs = AcmeJobs.of(store.current(), store.file(), certDir);
            Set<String> ids = new HashSet<>();
            jobs.forEach(job -> ids.add(job.id()));
            for (String id : statuses.all().keySet()) {
                if (!ids.contains(id)) {
                    save(id, null);
                    warned.remove(id);
                }
            }
            for (AcmeJob job : jobs) {
                AcmeStatus status = current(job, now);
                if (status.nextAttempt() != null && !now.isBefore(status.nextAttempt())) {
                    attempt(job, status);
                }
            }
        } catch (RuntimeException | Error e) {
            // Caught whole: an escaping throwable would end the periodic look for good, silently.
            EventLog.process().record(System.Logger.Level.ERROR, SOURCE, "ACME jobs could not be looked at: " + e);
        }
    }

    /** {@code job}'s status, brought in line with its files (made, when it has none yet). */
    private AcmeStatus current(AcmeJob job, Instant now) {
        AcmeStatus status = statuses.get(job.id());
        CertificateStatus files = CertificateFiles.check(job.certFile(), job.keyFile());
        boolean usable = files.problem() == null && files.notAfter() != null && now.isBefore(files.notAfter())
                && covers(files.dnsNames(), job.names());
        if (usable) {
            warnIfExpiring(job, files.notAfter(), now);
        }
        AcmeStatus next = status;
        if (status == null) {
            next = usable ? new AcmeStatus(AcmeStatus.VALID, "a certificate for " + job.id() + " is already in "
                    + job.certFile() + ", valid until " + files.notAfter(), files.notAfter(),
                    renewAt(job, files), 0, null, null) : AcmeStatus.pending(now);
        } else if (AcmeStatus.VALID.equals(status.state()) && !usable) {
            next = new AcmeStatus(AcmeStatus.PENDING, "the certificate files (" + job.certFile() + ") no longer hold"
                    + " a usable certificate for " + job.id() + (files.problem() != null ? " (" + files.problem()
                    + ")" : "") + ": getting a new one", null, now, 0, null, null);
        } else if (AcmeStatus.VALID.equals(status.state()) && !files.notAfter().equals(status.notAfter())) {
            next = new AcmeStatus(AcmeStatus.VALID, "the certificate in " + job.certFile() + " was replaced; valid"
                    + " until " + files.notAfter(), files.notAfter(), renewAt(job, files), 0, null, null);
        } else if (status.nextAttempt() == null) {
            // Looks and attempts share this thread: an attempt without a next one was cut short (a restart).
            next = new AcmeStatus(status.state(), status.message() + " (interrupted; trying again)", status.notAfter(),
                    now, status.attempts(), status.problemType(), status.problemDetail());
        }
        if (next != status) {
            save(job.id(), next);
        }
        return next;
    }

    private void attempt(AcmeJob job, AcmeStatus before) {
        String clash = install.problem(job);
        if (clash != null) {
            failed(job, before, clash, null, null, null);
            return;
        }
        save(job.id(), new AcmeStatus(AcmeStatus.PENDING, "asking the CA for a certificate for " + job.id(),
                before.notAfter(), null, before.attempts(), before.problemType(), before.problemDetail()));
        try {
            IssuedCertificate issued = issuer.issue(job);
            List<String> attached = install.install(job, issued, clock.instant());
            Optional<RenewalWindow> window = issuer.renewalWindow(job, leaf(issued.certificateChainPem()));
            Instant due = policy.renewAt(issued.notBefore(), issued.notAfter(),
                    window.map(RenewalWindow::start).orElse(null), window.map(RenewalWindow::end).orElse(null));
            String message = "issued, valid until " + issued.notAfter() + "; renews at " + due
                    + (attached.isEmpty() ? "" : "; now served by " + String.join(", ", attached));
            save(job.id(), new AcmeStatus(AcmeStatus.VALID, message, issued.notAfter(), due, 0, null, null));
            warned.remove(job.id());
            EventLog.process().record(System.Logger.Level.INFO, SOURCE, "certificate for " + job.id() + " "
                    + message);
        } catch (CertificateInstall.StateNotSaved e) {
            // Served from its files: asking the CA again would not help, and would cost its limits.
            save(job.id(), new AcmeStatus(AcmeStatus.VALID, e.getMessage(), before.notAfter(),
                    clock.instant().plus(RenewalPolicy.FIRST_RETRY), before.attempts(), null, null));
            EventLog.process().record(System.Logger.Level.WARNING, SOURCE, "certificate for " + job.id() + ": "
                    + e.getMessage());
        } catch (AcmeException e) {
            failed(job, before, e.getMessage(), e.problem().map(p -> p.type()).orElse(null),
                    e.problem().map(p -> p.detail()).orElse(null), e.retryAfter().orElse(null));
        } catch (IOException | CertificateException | RuntimeException e) {
            failed(job, before, e.getMessage() == null ? e.toString() : e.getMessage(), null, null, null);
        }
    }

    private void failed(AcmeJob job, AcmeStatus before, String message, String problemType, String problemDetail,
                        Instant retryAfter) {
        int attempts = before.attempts() + 1;
        Instant now = clock.instant();
        Instant next = now.plus(policy.retryAfter(attempts));
        if (retryAfter != null && retryAfter.isAfter(next)) {
            next = retryAfter;
        }
        String text = message + " (attempt " + attempts + "; next at " + next + ")";
        save(job.id(), new AcmeStatus(AcmeStatus.FAILED, text, before.notAfter(), next, attempts, problemType,
                problemDetail));
        EventLog.process().record(System.Logger.Level.WARNING, SOURCE, "certificate for " + job.id() + " not issued: "
                + text);
    }

    /** A WARNING when the certificate has under a week left, at most once a day per job. */
    private void warnIfExpiring(AcmeJob job, Instant notAfter, Instant now) {
        Instant last = warned.get(job.id());
        if (RenewalPolicy.expiring(now, notAfter) && (last == null || !now.isBefore(last.plus(WARN_EVERY)))) {
            warned.put(job.id(), now);
            EventLog.process().record(System.Logger.Level.WARNING, SOURCE, "the certificate for " + job.id() + " ("
                    + job.certFile() + ") expires at " + notAfter + ", in " + Duration.between(now, notAfter).toHours()
                    + " hours");
        }
    }

    private Instant renewAt(AcmeJob job, CertificateStatus files) {
        Optional<RenewalWindow> window = Optional.empty();
        try {
            window = issuer.renewalWindow(job, leaf(java.nio.file.Files.readString(job.certFile())));
        } catch (IOException | CertificateException e) {
            // the dates alone decide
        }
        return policy.renewAt(files.notBefore(), files.notAfter(), window.map(RenewalWindow::start).orElse(null),
                window.map(RenewalWindow::end).orElse(null));
    }

    private void save(String id, AcmeStatus status) {
        try {
            statuses.put(id, status);
        } catch (IOException e) {
            EventLog.process().record(System.Logger.Level.ERROR, SOURCE, "the status of ACME job " + id
                    + " could not be saved: " + e.getMessage());
        }
    }

    /** Whether certificate names {@code served} cover every name of {@code wanted} (exactly: a job's names are its own). */
    private static boolean covers(List<String> served, List<String> wanted) {
        for (String name : wanted) {
            if (!served.contains(name)) {
                return false;
            }
        }
        return true;
    }

    private static X509Certificate leaf(String pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Stops looking; an issuance under way is interrupted (its tokens and records are withdrawn). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
