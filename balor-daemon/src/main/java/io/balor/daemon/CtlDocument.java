package io.balor.daemon;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.balor.admin.auth.UserDirectory;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A state file as {@link BalorCtl} reads it: strictly, as the daemon does, and further, since the
 * {@code users} section is checked too ({@link UsersSection#read}) where the daemon's state
 * reader keeps it as it is. Reading never writes: unlike {@link io.balor.admin.state.StateFile#load}
 * it does not create a missing file, which is {@linkplain #unreadable() unreadable} instead.
 *
 * <p>Every problem of the file is collected, the config's and the users' together, each as one
 * line: {@code listeners[0].listen: ...} for the content, {@code line 3, column 14: ...} for JSON
 * syntax (then there is nothing more to check). Immutable; the caller's thread.
 *
 * @param file       the file read, absolute
 * @param unreadable why the file could not be read at all ({@code does not exist}, ...), or null
 * @param problems   what is wrong with its content, one line each; empty when it is valid
 * @param state      what it holds when it is valid, else null
 * @param users      its users when it is valid, else null
 */
record CtlDocument(Path file, String unreadable, List<String> problems, BalorState state, UserDirectory users) {

    /** As strict as {@code StateFile}'s reader: a key written twice, or anything after the document, is refused. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

    CtlDocument {
        problems = List.copyOf(problems);
    }

    /** Reads {@code file}; never changes or creates it. */
    static CtlDocument read(Path file) {
        Path path = file.toAbsolutePath();
        if (Files.isDirectory(path)) {
            return new CtlDocument(path, "is a directory, not a state file", List.of(), null, null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new CtlDocument(path, "does not exist", List.of(), null, null);
        } catch (AccessDeniedException e) {
            return new CtlDocument(path, "cannot be read: permission denied", List.of(), null, null);
        } catch (IOException e) {
            return new CtlDocument(path, "cannot be read: " + e, List.of(), null, null);
        }
        return parse(path, bytes);
    }

    /**
     * Checks {@code bytes} as the content of the state file {@code file} (relative certificate
     * paths in it are taken against {@code file}'s directory).
     */
    static CtlDocument parse(Path file, byte[] bytes) {
        Path path = file.toAbsolutePath();
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            return invalid(path, List.of(where + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            return new CtlDocument(path, "cannot be read: " + e, List.of(), null, null);
        }
        if (root == null || root.isMissingNode()) {
            return invalid(path, List.of("line 1, column 1: the file is empty; a state file is a JSON object such as "
                    + "{\"version\": 1, \"listeners\": [], \"pools\": []}"));
        }
        if (io.balor.admin.state.OriginalFormat.isOriginal(root)) {
            return new CtlDocument(path, io.balor.admin.state.OriginalFormat.refusal(path), List.of(), null, null);
        }
        // A set: both readers could name the same path, and a problem said twice reads as two.
        Set<String> problems = new LinkedHashSet<>();
        BalorState state = null;
        try {
            state = StateDocument.fromJson(root, path);
        } catch (InvalidConfigException e) {
            add(problems, e.problems());
        }
        UserDirectory users = null;
        if (root.isObject()) {
            try {
                users = UsersSection.read(root.get("users"), "users");
            } catch (InvalidConfigException e) {
                add(problems, e.problems());
            }
        }
        if (!problems.isEmpty()) {
            return invalid(path, new ArrayList<>(problems));
        }
        return new CtlDocument(path, null, List.of(), state, users);
    }

    /**
     * This document, or, when the files it names do not load as a start of balor would load them
     * ({@link CtlFiles}), an invalid one listing each. Only for a valid document.
     *
     * @param scriptDir {@code BALOR_HEALTH_SCRIPT_DIR} as balorctl has it, or null: script checks are not checked
     */
    CtlDocument withFilesChecked(Path scriptDir) {
        List<String> files = CtlFiles.problems(state, file, scriptDir);
        return files.isEmpty() ? this : invalid(file, files);
    }

    /** Whether the file was read and has no problem. */
    boolean valid() {
        return unreadable == null && problems.isEmpty();
    }

    /** {@code 2 listeners, 1 pool, 3 users}; only for a valid document. */
    String summary() {
        return count(state.config().listeners().size(), "listener") + ", "
                + count(state.config().pools().size(), "pool") + ", " + count(users.size(), "user");
    }

    /**
     * What is wrong, after {@code FILE: }: {@code does not exist} on one line, or
     * {@code invalid (2 problems):} followed by one indented line per problem.
     */
    String verdict() {
        if (unreadable != null) {
            return unreadable;
        }
        StringBuilder text = new StringBuilder("invalid (").append(count(problems.size(), "problem")).append("):");
        for (String problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.toString();
    }

    /** What is wrong, after {@code state file FILE }: {@code does not exist}, or {@code is invalid (...):...}. */
    String sentence() {
        return unreadable != null ? unreadable : "is " + verdict();
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static CtlDocument invalid(Path file, List<String> problems) {
        return new CtlDocument(file, null, problems, null, null);
    }

    private static void add(Set<String> lines, List<ConfigProblem> problems) {
        for (ConfigProblem problem : problems) {
            lines.add(problem.path() + ": " + problem.message());
        }
    }

    /**
     * The first line of Jackson's message, its {@code [Source: ...; line: 3, column: 12]} (which
     * names no source here) shortened to {@code line 3, column 12}.
     */
    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return SOURCE.matcher(line).replaceAll("line $1, column $2");
    }
}
