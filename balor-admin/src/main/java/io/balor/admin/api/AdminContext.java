package io.balor.admin.api;

import io.balor.Balor;
import io.balor.admin.acme.jobs.AcmeRunner;
import io.balor.admin.auth.Authenticator;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateStore;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What the admin API's handlers work on: the state store (and through it the running
 * {@link Balor}), the authenticator with its users and sessions, where uploaded certificates and
 * log files live, and the few settings of the API itself. Immutable; shared by the server's
 * worker threads.
 *
 * @param certDir     where uploaded certificates are kept ({@code BALOR_CERT_DIR})
 * @param logDir      where the daemon's log files are ({@code BALOR_LOG_DIR}), or null for none
 * @param metricsAuth {@code /metrics} needs a viewer token ({@code BALOR_METRICS_AUTH=true})
 * @param build       the build's name for {@code /api/version}
 * @param healthScriptDir where script health checks may run programs from ({@code BALOR_HEALTH_SCRIPT_DIR}),
 *                    or null: none may be made
 * @param bootstrapSecretFile where the first admin's generated password was written
 *                    ({@code BALOR_BOOTSTRAP_SECRET_FILE}), removed when that user's password changes;
 *                    or null
 * @param acme        the ACME jobs' runner ({@code /api/acme}), or null when ACME is not run here
 */
public record AdminContext(StateStore store, Authenticator auth, Path certDir, Path logDir, Clock clock,
                           boolean metricsAuth, String build, Path healthScriptDir, Path bootstrapSecretFile,
                           AcmeRunner acme) {

    /** A context without ACME jobs. */
    public AdminContext(StateStore store, Authenticator auth, Path certDir, Path logDir, Clock clock,
                        boolean metricsAuth, String build, Path healthScriptDir, Path bootstrapSecretFile) {
        this(store, auth, certDir, logDir, clock, metricsAuth, build, healthScriptDir, bootstrapSecretFile, null);
    }

    /** A context without a bootstrap secret file. */
    public AdminContext(StateStore store, Authenticator auth, Path certDir, Path logDir, Clock clock,
                        boolean metricsAuth, String build, Path healthScriptDir) {
        this(store, auth, certDir, logDir, clock, metricsAuth, build, healthScriptDir, null);
    }

    /** The version of this API (and of the console that comes with it). */
    public static final String API_VERSION = "0.2.0";

    public Balor balor() {
        return store.balor();
    }

    /**
     * Makes {@code change} the running and saved state ({@link StateStore#change}), answering a
     * state file that cannot be written with a 500 (nothing changed then).
     */
    BalorState change(java.util.function.UnaryOperator<BalorState> change) {
        return changed(change).after();
    }

    /**
     * As {@link #change}, answering both the state {@code change} was made to and the state it
     * made: what an audit record shows as before and after (read under the store's lock, so a
     * concurrent change cannot slip in between).
     */
    Changed changed(java.util.function.UnaryOperator<BalorState> change) {
        BalorState[] before = new BalorState[1];
        try {
            BalorState after = store.change(state -> change.apply(before[0] = state));
            return new Changed(before[0], after);
        } catch (io.balor.admin.state.StateFileException e) {
            throw ProblemAnswers.notSaved(e);
        }
    }

    /** A change made: the state it was made to, and the state it made. */
    record Changed(BalorState before, BalorState after) {
    }
}
