package io.balor.admin.acme.jobs;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.admin.acme.AcmeJobStore;
import io.balor.admin.acme.AcmeOptions;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.RenewalPolicy;
import io.balor.admin.auth.MutableClock;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One Balor with its state file, state store and ACME runner, for the job tests: the runner's
 * clock is a {@link MutableClock} the test moves (the ACME client and DNS waits keep real time),
 * its jitter fixed (the middle of every range), its looks made by the test ({@link #look()}).
 */
final class JobRig implements AutoCloseable {

    final Path dir;
    final Path stateFile;
    final Path certDir;
    final Path acmeDir;
    final MutableClock clock = new MutableClock(Instant.now());
    final Balor balor;
    final StateStore store;
    final AcmeRunner runner;

    /** @param state the state file's text; {@code CERTS} in it stands for the certificate directory */
    JobRig(Path dir, String state, Path trustedCas) throws Exception {
        this.dir = dir;
        this.stateFile = dir.resolve("balor_state.json");
        this.certDir = dir.resolve("certs");
        this.acmeDir = dir.resolve("acme");
        Files.createDirectories(certDir);
        Files.writeString(stateFile, state.replace("CERTS", certDir.toString()));
        BalorState loaded = StateFile.load(stateFile);
        balor = Balor.start(loaded.config(), BalorOptions.defaults().withLoops(1));
        store = new StateStore(stateFile, balor, loaded);
        AcmeSettings settings = AcmeSettings.in(acmeDir).withClient(AcmeOptions.DEFAULTS.withTrustedCaFile(trustedCas)
                .withRequestTimeout(Duration.ofSeconds(10)).withPollInterval(Duration.ofMillis(50))
                .withValidationTimeout(Duration.ofSeconds(30))).withPropagationTimeout(Duration.ofSeconds(5));
        runner = new AcmeRunner(store, certDir, clock, new AcmeJobStore(acmeDir),
                new AcmeIssuer(settings, balor, store::current, Clock.systemUTC()), new RenewalPolicy(() -> 0.5));
    }

    /** One look at the jobs, on the ACME thread, waited for. */
    void look() throws Exception {
        runner.lookNow().get(2, TimeUnit.MINUTES);
    }

    AcmeStatus status(String id) {
        return runner.statuses().get(id);
    }

    /** Moves the runner's clock to {@code instant}. */
    void at(Instant instant) {
        clock.advance(Duration.between(clock.instant(), instant));
    }

    @Override
    public void close() {
        runner.close();
        balor.close();
    }
}
