package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a job may write its certificate ({@link InstallTargets}): files of its own in the
 * certificate directory, or files registered as ACME's; never a pair in one file, files outside,
 * files anything else uses, or different files on routes of one host. Checked on states read
 * by the state file's reader.
 */
class InstallTargetsTest {

    private static final String ACME = "{\"email\": \"ops@shop.test\", \"accept_terms\": true,"
            + " \"directory_url\": \"https://127.0.0.1:1/dir\"}";

    @TempDir
    Path dir;

    private String problem(String listeners, String extra) throws Exception {
        Path stateFile = dir.resolve("balor_state.json");
        String json = "{\"version\": 1, \"pools\": [{\"name\": \"app\", \"upstreams\": [\"http://127.0.0.1:9\"]}],"
                + " \"listeners\": [" + listeners.replace("CERTS", dir.resolve("certs").toString()) + "]"
                + extra.replace("CERTS", dir.resolve("certs").toString()) + "}";
        BalorState state = StateDocument.fromJson(new ObjectMapper().readTree(json), stateFile);
        AcmeJob job = AcmeJobs.find(state, stateFile, dir.resolve("certs"), "shop.test");
        return InstallTargets.problem(job, state, stateFile, dir.resolve("certs"));
    }

    private static String listener(String name, String routes) {
        return "{\"name\": \"" + name + "\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"host_routes\": ["
                + routes + "]}";
    }

    private static String route(String host, String tls, boolean acme) {
        return "{\"host\": \"" + host + "\", \"pool\": \"app\"" + (tls == null ? "" : ", \"tls\": " + tls)
                + (acme ? ", \"acme\": " + ACME : "") + "}";
    }

    @Test
    void filesOfItsOwnInTheCertificateDirectoryAreFine() throws Exception {
        assertNull(problem(listener("web", route("shop.test", null, true)), ""));
        assertNull(problem(listener("web", route("shop.test", "{\"cert_file\": \"CERTS/s.crt\", \"key_file\":"
                + " \"CERTS/s.key\"}", true)), ""));
    }

    @Test
    void aPairInOneFileIsRefused() throws Exception {
        String problem = problem(listener("web", route("shop.test", "{\"cert_file\": \"CERTS/both.pem\"}", true)), "");
        assertTrue(problem.contains("two files"), problem);
    }

    @Test
    void filesOutsideTheCertificateDirectoryAreRefusedUnlessRegisteredAsAcmes() throws Exception {
        String tls = "{\"cert_file\": \"/etc/elsewhere/s.crt\", \"key_file\": \"/etc/elsewhere/s.key\"}";
        String problem = problem(listener("web", route("shop.test", tls, true)), "");
        assertTrue(problem.contains("ACME writes only into"), problem);
        assertNull(problem(listener("web", route("shop.test", tls, true)), ", \"certificates\": [{\"name\": \"old\","
                + " \"cert_file\": \"/etc/elsewhere/s.crt\", \"key_file\": \"/etc/elsewhere/s.key\", \"source\": \"acme\"}]"),
                "a migrated certificate the original issued is renewed where it is");
    }

    @Test
    void filesSomethingElseUsesAreRefused() throws Exception {
        String shared = "{\"cert_file\": \"CERTS/s.crt\", \"key_file\": \"CERTS/s.key\"}";
        String other = problem(listener("web", route("shop.test", shared, true) + ", " + route("blog.test", shared, false)), "");
        assertTrue(other.contains("also used by the route web blog.test"), other);
        String keyOnly = problem(listener("web", route("shop.test", shared, true) + ", " + route("blog.test",
                "{\"cert_file\": \"CERTS/b.crt\", \"key_file\": \"CERTS/s.key\"}", false)), "");
        assertTrue(keyOnly.contains("also used by the route web blog.test"), "a key file counts too: " + keyOnly);
        String twoJobs = problem(listener("web", route("shop.test", shared, true) + ", " + route("blog.test", shared, true)), "");
        assertTrue(twoJobs.contains("also used by the route web blog.test"), twoJobs);
    }

    @Test
    void routesOfOneHostNamingDifferentFilesAreRefused() throws Exception {
        String problem = problem(listener("a", route("shop.test", "{\"cert_file\": \"CERTS/a.crt\", \"key_file\":"
                + " \"CERTS/a.key\"}", true)) + ", " + listener("b", route("shop.test", "{\"cert_file\": \"CERTS/b.crt\","
                + " \"key_file\": \"CERTS/b.key\"}", true)), "");
        assertTrue(problem.contains("name different files"), problem);
    }
}
