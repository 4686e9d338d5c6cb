package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: a change whose save cannot happen touches nothing, not even for a moment. A listener
 * {@code DELETE} while the state file cannot be written was applied, then rolled back when the
 * save failed: for those milliseconds new connections were refused, an idle keep-alive client
 * connection was closed, and the listener came back on another port (it listens on port 0). Now
 * the new state is written beside the file before the runtime is touched, so the refusal comes
 * first: the idle connection serves its next request and the listener still accepts on its port.
 *
 * <p>Two faults the save can meet, both real: the state file's directory refuses new files (a
 * directory of mode 500; the tests run as root on the reference machine, and root ignores mode
 * bits, so there the directory is made immutable with {@code chattr +i}, which binds root too),
 * and a state file that is a symbolic link to a directory that is gone.
 */
class RefusedSaveApiTest {

    @TempDir
    Path dir;

    @Test
    void aDeleteWhoseSaveTheDirectoryRefusesLeavesTheListenerAndItsIdleConnectionAlone() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            Path data = admin.store.file().getParent();
            deleteIsRefusedAndNothingMoves(admin, upstream, () -> Unwritable.directory(data));
        }
    }

    @Test
    void aDeleteWhoseStateFileLinksToAGoneDirectoryLeavesTheListenerAndItsIdleConnectionAlone() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            Path file = admin.store.file();
            deleteIsRefusedAndNothingMoves(admin, upstream, () -> {
                Path gone = dir.resolve("gone");
                Files.createDirectories(gone);
                Files.move(file, gone.resolve("balor_state.json"));
                Files.createSymbolicLink(file, gone.resolve("balor_state.json"));
                Files.delete(gone.resolve("balor_state.json"));
                Files.delete(gone);
                return () -> { };
            });
        }
    }

    /** Something that makes the state file unwritable, undone by closing what it returns. */
    private interface Fault {
        AutoCloseable make() throws Exception;
    }

    private static void deleteIsRefusedAndNothingMoves(AdminFixture admin, TestUpstream upstream, Fault fault)
            throws Exception {
        JsonNode listener = admin.webListener(upstream.address());
        int port = Downstream.port(listener.get("bound").asText());
        long generation = admin.balor.generation();
        try (KeepAlive client = new KeepAlive(port)) {
            assertEquals("200 hello", client.get("/"));
            byte[] saved = Files.readAllBytes(admin.store.file());
            HttpResponse<String> refused;
            try (AutoCloseable undo = fault.make()) {
                refused = admin.call("DELETE", "/api/listeners/web", ADMIN_TOKEN, null);
            }
            assertEquals(500, refused.statusCode(), refused.body());
            assertEquals("the state file could not be written, so nothing was changed", json(refused).get("error").asText());

            assertEquals("200 hello", client.get("/"), "the idle keep-alive connection serves its next request");
            assertEquals(200, Downstream.get(port, "/").statusCode(), "the listener accepts on its port");
            assertEquals(port, admin.balor.boundAddress("web").getPort());
            assertEquals(generation, admin.balor.generation(), "nothing was applied, not even for a moment");
            if (Files.exists(admin.store.file())) {
                assertArrayEquals(saved, Files.readAllBytes(admin.store.file()), "the file is untouched");
            }
        }
    }

    /** One client connection kept open across requests; answers are read by their Content-Length. */
    private static final class KeepAlive implements AutoCloseable {
        private final Socket socket = new Socket();

        KeepAlive(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
        }

        /** {@code "STATUS BODY"} of a GET on this connection. */
        String get(String path) throws IOException {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: app.example\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the connection was closed: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return text.substring(9, 12) + " " + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A directory in which no file can be created, for as long as it is not closed. */
    static final class Unwritable {

        private Unwritable() {
        }

        static AutoCloseable directory(Path directory) throws Exception {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));
            if (!canCreateIn(directory)) {
                return () -> Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            // Mode bits do not stop this process (root): an immutable directory stops root too.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            int chattr = run("chattr", "+i", directory.toString());
            Assumptions.assumeTrue(chattr == 0 && !canCreateIn(directory),
                    "neither mode 500 nor chattr +i stops this process from writing in " + directory);
            return () -> assertEquals(0, run("chattr", "-i", directory.toString()), "chattr -i " + directory);
        }

        private static boolean canCreateIn(Path directory) {
            try {
                Files.delete(Files.createTempFile(directory, "probe", ".tmp"));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static int run(String... command) throws Exception {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                assertTrue(process.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
                return process.exitValue();
            } catch (IOException e) {
                return -1;   // no chattr here
            }
        }
    }
}
