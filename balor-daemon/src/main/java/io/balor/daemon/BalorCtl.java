package io.balor.daemon;

import io.balor.admin.state.AtomicFile;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateFileException;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code balorctl}, the daemon's command-line tool: exports, imports and validates the state file,
 * and resets a user's password in it, with the daemon stopped or running. It works on the file
 * only: a running balor does not re-read the file, so what {@code import} and
 * {@code users reset-password} write takes effect when it restarts (and each says so).
 *
 * <p>The state file is {@code --state PATH}, else {@code BALOR_STATE_FILE}, else
 * {@code data/balor_state.json}, as the daemon finds it ({@link DaemonEnv}). No command creates
 * it: a missing state file is an error, not an empty state. Every file balorctl writes is
 * written atomically and owner-only (mode 600: it holds password hashes).
 *
 * <p>Exit codes: 0 done; 1 a file is invalid or missing, or the work failed (nothing was changed
 * then); 2 the command line is wrong (the usage follows the message). Runs on the main thread.
 */
public final class BalorCtl {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final String DEFAULT_STATE_FILE = DaemonEnv.DEFAULT_STATE_FILE;

    static final String USAGE = """
            usage: balorctl [--state PATH] COMMAND [ARGUMENTS]

              export OUT.json [--force]   write the state file to OUT.json (mode 600), or to stdout with -;
                                          an existing OUT.json is replaced only with --force
              import IN.json              check IN.json as validate does and, only if it is valid, make it
                                          the state file, keeping the old one as STATE.bak
              validate [FILE]             check FILE (default: the state file) as balor's start would, its
                                          certificate files included, and list every problem
              migrate ORIGINAL.json [OUT.json] [--accept-losses] [--workdir DIR] [--force]
                                          convert a state file of the original Balor 0.1.3 to this
                                          version's, printing every change; in place (the original kept
                                          as ORIGINAL.json.0.1.3) without OUT.json. Writes nothing if a
                                          value is not carried over, unless --accept-losses. Relative
                                          paths are taken against DIR (default: the current directory)
              users reset-password NAME [--password-stdin]
                                          give user NAME a new password, asked twice on the terminal,
                                          or read as one line from stdin
              users unlock NAME           clear user NAME's login throttle in the running balor (through
                                          its control socket: $BALOR_CONTROL_SOCKET, else control.sock
                                          beside the state file)
              help                        this text

              --state PATH                the state file (default: $BALOR_STATE_FILE, else
                                          data/balor_state.json)

            Exit codes: 0 done, 1 invalid or failed (nothing changed), 2 wrong command line.
            A running balor does not re-read the state file: restart it after import or reset-password.
            """;

    private BalorCtl() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.getenv(), System.in, System.out, System.err);
        } catch (RuntimeException | Error e) {
            System.err.print("balorctl: failed: ");
            e.printStackTrace();
            code = EXIT_FAILED;
        }
        System.exit(code);
    }

    /** Runs one command; returns its exit code. The password prompt uses {@link System#console()}. */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        return run(args, env, in, out, err, System.console());
    }

    /** As {@link #run(String[], Map, InputStream, PrintStream, PrintStream)}, asking on {@code console} (or null). */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
                   Console console) {
        try {
            CommandLine line = CommandLine.parse(args, env);
            switch (line.command()) {
                case "help" -> {
                    line.expect(0, 0, "");
                    out.print(USAGE);
                    return EXIT_OK;
                }
                case "validate" -> {
                    line.expect(0, 1, "[FILE]");
                    return validate(line.operands().isEmpty() ? line.state() : line.path(0), scriptDir(env), out);
                }
                case "export" -> {
                    line.expect(1, 1, "OUT.json");
                    export(line.state(), line.operands().get(0), line.force(), out);
                }
                case "migrate" -> {
                    line.expect(1, 2, "ORIGINAL.json [OUT.json]");
                    CtlMigrate.migrate(line.path(0), line.operands().size() > 1 ? line.path(1) : null,
                            line.workDir() == null ? Path.of("") : line.workDir(), line.acceptLosses(), line.force(),
                            scriptDir(env), out);
                }
                case "import" -> {
                    line.expect(1, 1, "IN.json");
                    importFile(line.state(), line.path(0), scriptDir(env), out);
                }
                case "users" -> {
                    String sub = line.operands().isEmpty() ? "" : line.operands().get(0);
                    if (sub.equals("unlock")) {
                        line.expect(2, 2, "unlock NAME");
                        CtlUsers.unlock(beside(env, DaemonEnv.CONTROL_SOCKET, line.state(), DaemonEnv.CONTROL_SOCKET_FILE),
                                line.operands().get(1), out);
                    } else if (sub.equals("reset-password")) {
                        line.expect(2, 2, "reset-password NAME");
                        CtlUsers.resetPassword(line.state(), line.operands().get(1), line.passwordStdin(), in, console,
                                out, beside(env, DaemonEnv.BOOTSTRAP_SECRET_FILE, line.state(), DaemonEnv.BOOTSTRAP_FILE));
                    } else {
                        throw CtlFailure.usage("users: the subcommands are reset-password NAME and unlock NAME");
                    }
                }
                default -> throw CtlFailure.usage("unknown command '" + line.command() + "'");
            }
            return EXIT_OK;
        } catch (CtlFailure failure) {
            err.println("balorctl: " + failure.getMessage());
            if (failure.exitCode() == EXIT_USAGE) {
                err.print("\n" + USAGE);
            }
            return failure.exitCode();
        }
    }

    /**
     * Prints {@code FILE: valid (...)} and what was checked beyond the content ({@link CtlFiles}),
     * or every problem of {@code file}, its files' included; never writes.
     */
    private static int validate(Path file, Path scriptDir, PrintStream out) {
        CtlDocument document = CtlDocument.read(file);
        if (document.valid()) {
            document = document.withFilesChecked(scriptDir);
        }
        if (document.valid()) {
            out.println(file + ": valid (" + document.summary() + ")");
            out.println(CtlFiles.checked(file, scriptDir));
            return EXIT_OK;
        }
        out.println(file + ": " + document.verdict());
        return EXIT_FAILED;
    }

    /**
     * Writes the state file, re-rendered, to {@code target}. Relative certificate paths are written
     * relative to the copy's own directory, so the copy names the same files from where it lies.
     */
    private static void export(Path state, String target, boolean force, PrintStream out) throws CtlFailure {
        CtlDocument document = CtlDocument.read(state);
        if (!document.valid()) {
            throw CtlFailure.failed("state file " + state + " " + document.sentence() + "\nnothing was exported");
        }
        if (target.equals("-")) {
            // No file can lie under a regular file, so rendering "for" a path inside the state file
            // writes every certificate path absolute: stdout may be redirected anywhere.
            byte[] bytes = StateFile.render(document.file().resolve("stdout"), document.state());
            out.write(bytes, 0, bytes.length);
            out.flush();
            return;
        }
        Path path = toPath(target);
        if (Files.exists(path) && isSameFile(path, state)) {
            throw CtlFailure.failed(target + " is the state file itself; export to another file");
        }
        try {
            AtomicFile.write(path, StateFile.render(path.toAbsolutePath(), document.state()), force);
        } catch (FileAlreadyExistsException e) {
            throw CtlFailure.failed(target + " exists; add --force to replace it");
        } catch (NoSuchFileException e) {
            throw CtlFailure.failed("cannot write " + target + ": its directory does not exist", e);
        } catch (IOException e) {
            throw CtlFailure.failed("cannot write " + target + ": " + e, e);
        }
        out.println("exported " + state + " to " + target + " (" + document.summary() + "; mode 600: it holds"
                + " password hashes)");
    }

    /**
     * Checks {@code source} fully, its files as validate does; only if it is valid, backs up the
     * state file and saves what was read.
     */
    private static void importFile(Path state, Path source, Path scriptDir, PrintStream out) throws CtlFailure {
        CtlDocument document = CtlDocument.read(source);
        if (document.valid()) {
            document = document.withFilesChecked(scriptDir);
        }
        if (!document.valid()) {
            throw CtlFailure.failed(source + " " + document.sentence() + "\nthe state file " + state
                    + " was not changed");
        }
        if (Files.exists(state) && isSameFile(source, state)) {
            throw CtlFailure.failed(source + " is the state file already; nothing to import");
        }
        Path backup = state.resolveSibling(state.getFileName() + ".bak");
        boolean existed = Files.exists(state);
        try {
            if (existed) {
                AtomicFile.copy(state, backup);
            }
        } catch (IOException e) {
            throw CtlFailure.failed("cannot keep the old state file as " + backup + ": " + e
                    + "\nthe state file " + state + " was not changed", e);
        }
        try {
            // Saved as read, not copied: relative certificate paths in the source were taken against
            // its directory, and the save writes them so that they name the same files from the state
            // file's directory.
            StateFile.save(state, document.state());
        } catch (StateFileException e) {
            throw CtlFailure.failed(e.getMessage() + "\nthe state file was not changed", e);
        }
        out.println("imported " + source + " into " + state + " (" + document.summary() + ")"
                + (existed ? "; the previous state file is kept as " + backup : "; there was no state file before"));
        out.println("a running balor does not re-read the state file: restart it to use this one. Until then it"
                + " runs the old state, and a change that balor saves (through the admin API) writes the old state"
                + " back over this one. To change a running balor, use its admin API.");
    }

    /**
     * A file of the daemon's, found as the daemon finds it: the variable {@code variable} when set,
     * else {@code name} beside the state file ({@link DaemonEnv#besideStateFile}).
     */
    private static Path beside(Map<String, String> env, String variable, Path state, String name) throws CtlFailure {
        String value = env.get(variable);
        return value == null || value.isEmpty() ? DaemonEnv.besideStateFile(state, name) : toPath(value);
    }

    /** {@code BALOR_HEALTH_SCRIPT_DIR} as balorctl is run with, or null. */
    private static Path scriptDir(Map<String, String> env) throws CtlFailure {
        String value = env.get(DaemonEnv.HEALTH_SCRIPT_DIR);
        return value == null || value.isEmpty() ? null : toPath(value);
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path toPath(String text) throws CtlFailure {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw CtlFailure.usage("'" + text + "' is not a valid path (" + e.getReason() + ")");
        }
    }

    /**
     * A parsed command line: options may come anywhere ({@code --state PATH} or
     * {@code --state=PATH}, {@code --force}, {@code --password-stdin}, {@code -h}/{@code --help});
     * after {@code --} everything is an operand, and so is {@code -} (stdout).
     */
    private record CommandLine(String command, List<String> operands, Path state, boolean force,
                               boolean passwordStdin, boolean acceptLosses, Path workDir) {

        static CommandLine parse(String[] args, Map<String, String> env) throws CtlFailure {
            List<String> words = new ArrayList<>();
            String state = null;
            boolean force = false;
            boolean passwordStdin = false;
            boolean acceptLosses = false;
            String workDir = null;
            boolean help = false;
            boolean options = true;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!options || arg.equals("-") || !arg.startsWith("-")) {
                    words.add(arg);
                } else if (arg.equals("--")) {
                    options = false;
                } else if (arg.equals("--state")) {
                    if (i + 1 == args.length) {
                        throw CtlFailure.usage("--state needs a path");
                    }
                    state = args[++i];
                } else if (arg.startsWith("--state=")) {
                    state = arg.substring("--state=".length());
                } else if (arg.equals("--force")) {
                    force = true;
                } else if (arg.equals("--password-stdin")) {
                    passwordStdin = true;
                } else if (arg.equals("--accept-losses")) {
                    acceptLosses = true;
                } else if (arg.equals("--workdir")) {
                    if (i + 1 == args.length) {
                        throw CtlFailure.usage("--workdir needs a directory");
                    }
                    workDir = args[++i];
                } else if (arg.equals("-h") || arg.equals("--help")) {
                    help = true;
                } else {
                    throw CtlFailure.usage("unknown option '" + arg + "'");
                }
            }
            if (help) {
                return new CommandLine("help", List.of(), null, false, false, false, null);
            }
            if (words.isEmpty()) {
                throw CtlFailure.usage("no command given");
            }
            if (state != null && state.isEmpty()) {
                throw CtlFailure.usage("--state needs a path");
            }
            if (state == null) {
                String fromEnv = env.get(DaemonEnv.STATE_FILE);
                state = fromEnv == null || fromEnv.isEmpty() ? DEFAULT_STATE_FILE : fromEnv;
            }
            String command = words.get(0);
            if (force && !command.equals("export") && !command.equals("migrate")) {
                throw CtlFailure.usage("--force is an option of export and migrate only");
            }
            if ((acceptLosses || workDir != null) && !command.equals("migrate")) {
                throw CtlFailure.usage("--accept-losses and --workdir are options of migrate only");
            }
            if (passwordStdin && !command.equals("users")) {
                throw CtlFailure.usage("--password-stdin is an option of users reset-password only");
            }
            return new CommandLine(command, List.copyOf(words.subList(1, words.size())), toPath(state), force,
                    passwordStdin, acceptLosses, workDir == null ? null : toPath(workDir));
        }

        /** Refuses fewer than {@code min} or more than {@code max} operands. */
        void expect(int min, int max, String shape) throws CtlFailure {
            if (operands.size() < min || operands.size() > max) {
                throw CtlFailure.usage(command + " takes " + (shape.isEmpty() ? "no arguments" : shape)
                        + ", was given " + (operands.isEmpty() ? "none" : String.join(" ", operands)));
            }
        }

        Path path(int index) throws CtlFailure {
            return toPath(operands.get(index));
        }
    }
}
