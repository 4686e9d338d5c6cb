package io.balor.admin.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The web console's files, read once when the admin server starts and served from memory: the
 * built-in ones (resources under {@code io/balor/admin/console/}, listed in its
 * {@code files.txt}) or those of a directory ({@code BALOR_ADMIN_DIST}). Immutable once made; any
 * thread.
 *
 * <p>Nothing is read from disk per request, and a request names a file only by exact lookup in
 * this map: no path is ever built from what a client sent, so no traversal can reach anything
 * else. A directory is read as it is at start: regular files only (a symbolic link is skipped),
 * names of letters, digits, {@code . - _} and {@code /} without {@code ..}, at most
 * {@value #MAX_FILES} files of {@value #MAX_BYTES} bytes in all; anything else stops the start
 * with the reason.
 *
 * <p>Every file but {@code index.html} is served under {@code /assets/BUILD/}, where
 * {@code BUILD} is a digest of all of them: those URLs never change content, so they are cached
 * for a year ({@code immutable}); {@code index.html} (whose {@code %BUILD%} is replaced by it) is
 * revalidated on every load. Each file is kept gzip-compressed too, for clients that take it.
 */
public final class ConsoleAssets {

    static final int MAX_FILES = 500;
    static final int MAX_BYTES = 8 << 20;
    private static final String RESOURCES = "/io/balor/admin/console/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    /** One file as it is served. */
    public record Asset(String name, String contentType, byte[] bytes, byte[] gzipped, String etag) {
    }

    private final String build;
    private final Asset index;
    private final Map<String, Asset> assets;
    private final List<String> names;

    /** @param files by name, in name order */
    private ConsoleAssets(java.util.SortedMap<String, byte[]> files) {
        if (!files.containsKey("index.html")) {
            throw new IllegalArgumentException("the console has no index.html");
        }
        this.build = digest(files);
        Map<String, Asset> served = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (!file.getKey().equals("index.html")) {
                served.put(file.getKey(), asset(file.getKey(), file.getValue()));
            }
        }
        this.assets = Map.copyOf(served);
        this.names = List.copyOf(served.keySet());   // files come in name order
        byte[] page = new String(files.get("index.html"), StandardCharsets.UTF_8).replace("%BUILD%", build)
                .getBytes(StandardCharsets.UTF_8);
        this.index = asset("index.html", page);
    }

    /** The console shipped in balor-admin's jar. */
    public static ConsoleAssets builtIn() {
        try (InputStream list = ConsoleAssets.class.getResourceAsStream(RESOURCES + "files.txt")) {
            if (list == null) {
                throw new IllegalStateException("balor-admin's console files are missing from its jar");
            }
            TreeMap<String, byte[]> files = new TreeMap<>();
            for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                name = name.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try (InputStream in = ConsoleAssets.class.getResourceAsStream(RESOURCES + name)) {
                    if (in == null || !NAME.matcher(name).matches() || name.contains("..")) {
                        throw new IllegalStateException("balor-admin's console lists a file it lacks: " + name);
                    }
                    files.put(name, in.readAllBytes());
                }
            }
            return new ConsoleAssets(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The files of {@code dir} ({@code BALOR_ADMIN_DIST}), which must hold an {@code index.html}.
     *
     * @throws IOException when the directory or a file cannot be read, or breaks the rules of the class comment
     */
    public static ConsoleAssets directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory (BALOR_ADMIN_DIST names the console's files)");
        }
        TreeMap<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;   // directories, and symbolic links: nothing outside the tree is served
                }
                String name = dir.relativize(path).toString().replace('\\', '/');
                if (!NAME.matcher(name).matches() || name.contains("..")) {
                    throw new IOException(path + ": a console file name may hold letters, digits, '.', '-', '_'"
                            + " and '/' only");
                }
                byte[] bytes = Files.readAllBytes(path);
                total += bytes.length;
                if (files.size() >= MAX_FILES || total > MAX_BYTES) {
                    throw new IOException(dir + ": more than " + MAX_FILES + " files or " + MAX_BYTES
                            + " bytes: is BALOR_ADMIN_DIST the console's directory?");
                }
                files.put(name, bytes);
            }
        }
        if (!files.containsKey("index.html")) {
            throw new IOException(dir + ": no index.html (BALOR_ADMIN_DIST names the console's files)");
        }
        return new ConsoleAssets(files);
    }

    /** The digest of every file that versions their URLs. */
    public String build() {
        return build;
    }

    /** The page every console route loads (with its {@code %BUILD%} filled in). */
    public Asset index() {
        return index;
    }

    /** The file at {@code name} (its path under {@code /assets/BUILD/}), or null. */
    public Asset asset(String name) {
        return assets.get(name);
    }

    /** The names of every file but {@code index.html}. */
    public List<String> names() {
        return names;
    }

    private static Asset asset(String name, byte[] bytes) {
        String etag = "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 8) + "\"";
        return new Asset(name, contentType(name), bytes, gzip(bytes), etag);
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "json" -> "application/json; charset=utf-8";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    private static String digest(java.util.SortedMap<String, byte[]> files) {
        MessageDigest digest = sha256();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(file.getValue());
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 6);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
