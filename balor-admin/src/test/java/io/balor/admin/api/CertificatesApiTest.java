package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/certificates} over real HTTP with certificates made by the {@code openssl} CLI: an
 * uploaded bundle is checked, kept under the certificate directory (key mode 600) and described;
 * the key goes only to admins who ask; a bundle that does not load keeps nothing; names and paths
 * never leave the directory; a certificate a listener serves (checked with a real TLS handshake)
 * cannot be deleted.
 */
class CertificatesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void uploadedBundleIsKeptDescribedAndDownloaded() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            HttpResponse<String> uploaded = upload(admin, ADMIN_TOKEN, "shop", shop.cert() + shop.key(), null);
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            JsonNode created = json(uploaded);
            assertEquals("shop", created.get("name").asText());
            assertEquals("manual", created.get("source").asText());
            assertEquals("CN=shop.example", created.get("subject").asText());
            assertEquals("CN=shop.example", created.get("issuer").asText());
            assertEquals("[\"shop.example\"]", created.get("sans").toString());
            assertTrue(created.get("not_before").asText().compareTo(created.get("not_after").asText()) < 0, uploaded.body());
            assertTrue(created.get("problem").isNull(), uploaded.body());
            assertEquals("[]", created.get("used_by").toString());

            Path certDir = dir.resolve("data/certs").toAbsolutePath();
            Path certFile = Path.of(created.get("cert_file").asText());
            Path keyFile = Path.of(created.get("key_file").asText());
            assertEquals(certDir.resolve("shop.crt"), certFile);
            assertEquals(certDir.resolve("shop.key"), keyFile);
            assertEquals(shop.cert(), Files.readString(certFile), "the chain, without the key");
            assertEquals(shop.key(), Files.readString(keyFile));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertEquals(List.of("shop.crt", "shop.key"), names(certDir), "no temp files are left");

            JsonNode saved = StateFileView.root(admin).get("certificates");
            assertEquals(1, saved.size(), saved.toString());
            ObjectNode expected = JSON.createObjectNode();
            for (String key : List.of("name", "cert_file", "key_file", "source", "uploaded_at")) {
                expected.set(key, created.get(key));
            }
            // Its paths as the listeners' are saved: relative to the state file's directory, under which they lie.
            expected.put("cert_file", "certs/shop.crt").put("key_file", "certs/shop.key");
            assertEquals(expected, saved.get(0), "the state file holds the entry the API answered");

            HttpResponse<String> list = admin.call("GET", "/api/certificates", viewer, null);
            assertEquals(200, list.statusCode(), list.body());
            assertEquals(1, json(list).size());
            assertEquals(created, json(list).get(0), "listed as it was answered");

            HttpResponse<String> one = admin.call("GET", "/api/certificates/shop", viewer, null);
            assertEquals(200, one.statusCode(), one.body());
            assertEquals(shop.cert(), json(one).get("chain").asText());
            assertNull(json(one).get("key"), "no key unless asked for");
            assertEquals("CN=shop.example", json(one).get("subject").asText());
            assertEquals(404, admin.call("GET", "/api/certificates/other", viewer, null).statusCode());

            // A key given on its own, and a chain of two certificates.
            Pem api = Pem.selfSigned(dir.resolve("pki2"), "api.example");
            HttpResponse<String> separate = upload(admin, ADMIN_TOKEN, "api", api.cert() + shop.cert(), api.key());
            assertEquals(201, separate.statusCode(), separate.body());
            assertEquals("[\"api.example\"]", json(separate).get("sans").toString());
            assertEquals(api.cert() + shop.cert(),
                    json(admin.call("GET", "/api/certificates/api", viewer, null)).get("chain").asText());
            assertEquals(2, StateFileView.root(admin).get("certificates").size());
        }
    }

    /** Issue 12: {@code DNS:localhost, IP:127.0.0.1} was listed as {@code ["localhost"]}. */
    @Test
    void ipSansAreListedAfterTheDnsNames() throws Exception {
        Pem local = Pem.selfSigned(dir.resolve("pki"), "localhost", "DNS:localhost,IP:127.0.0.1,IP:2001:DB8:0:0:0:0:0:1");
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> uploaded = upload(admin, ADMIN_TOKEN, "local", local.cert() + local.key(), null);
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            assertEquals("[\"localhost\",\"127.0.0.1\",\"2001:db8::1\"]", json(uploaded).get("sans").toString());
            HttpResponse<String> list = admin.call("GET", "/api/certificates", ADMIN_TOKEN, null);
            assertEquals("[\"localhost\",\"127.0.0.1\",\"2001:db8::1\"]", json(list).get(0).get("sans").toString());
        }
    }

    @Test
    void theOriginalsPathAndFieldNamesWorkToo() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> uploaded = admin.call("POST", "/api/certs", ADMIN_TOKEN, JSON.createObjectNode()
                    .put("name", "shop").put("cert_pem", shop.cert()).put("key_pem", shop.key()).toString());
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            assertEquals("CN=shop.example", json(uploaded).get("subject").asText());
            HttpResponse<String> listed = admin.call("GET", "/api/certs", ADMIN_TOKEN, null);
            assertEquals(json(admin.call("GET", "/api/certificates", ADMIN_TOKEN, null)), json(listed));
            assertEquals(200, admin.call("GET", "/api/certs/shop", ADMIN_TOKEN, null).statusCode());
            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> both = admin.call("POST", "/api/certs", ADMIN_TOKEN, JSON.createObjectNode()
                    .put("name", "two").put("pem", shop.cert()).put("cert_pem", shop.cert()).toString());
            assertEquals(400, both.statusCode(), both.body());
            assertEquals("cert_pem", json(both).get("field").asText(), both.body());
            HttpResponse<String> neither = admin.call("POST", "/api/certs", ADMIN_TOKEN, "{\"name\": \"three\"}");
            assertEquals(400, neither.statusCode(), neither.body());
            assertEquals("pem", json(neither).get("field").asText(), neither.body());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals change nothing");
            assertEquals(204, admin.call("DELETE", "/api/certs/shop", ADMIN_TOKEN, null).statusCode());
        }
    }

    @Test
    void theKeyGoesOnlyToAnAdminWhoAsksForIt() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(201, upload(admin, ADMIN_TOKEN, "shop", shop.cert() + shop.key(), null).statusCode());
            String viewer = admin.user("vera", "viewer");
            String operator = admin.user("olga", "operator");
            String adminUser = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            for (String token : List.of(viewer, operator)) {
                HttpResponse<String> refused = admin.call("GET", "/api/certificates/shop?include_key=true", token, null);
                assertEquals(403, refused.statusCode(), refused.body());
                assertFalse(refused.body().contains("PRIVATE KEY"), refused.body());
            }
            assertEquals(401, admin.call("GET", "/api/certificates/shop?include_key=true", null, null).statusCode());
            for (String token : List.of(ADMIN_TOKEN, adminUser)) {
                HttpResponse<String> key = admin.call("GET", "/api/certificates/shop?include_key=true", token, null);
                assertEquals(200, key.statusCode(), key.body());
                assertEquals(shop.key(), json(key).get("key").asText());
                assertEquals(shop.cert(), json(key).get("chain").asText());
            }
            assertNull(json(admin.call("GET", "/api/certificates/shop?include_key=false", ADMIN_TOKEN, null)).get("key"));
            assertTrue(admin.server.recentAudit().stream()
                    .noneMatch(record -> record.toJsonLine().contains("PRIVATE KEY")), "no key in the audit");
            assertEquals(403, upload(admin, operator, "other", shop.cert() + shop.key(), null).statusCode(),
                    "uploads are for admins");
            assertEquals(403, admin.call("DELETE", "/api/certificates/shop", operator, null).statusCode());
        }
    }

    @Test
    void refusedBundlesKeepNothing() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        Pem other = Pem.selfSigned(dir.resolve("pki2"), "other.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(201, upload(admin, ADMIN_TOKEN, "kept", other.cert() + other.key(), null).statusCode());
            Path certDir = dir.resolve("data/certs");
            byte[] file = StateFileView.bytes(admin);
            String cut = shop.cert().substring(0, shop.cert().length() / 2);
            String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
            String[][] refusals = {
                    // name, pem, key (null: none), field
                    {"shop", shop.cert() + other.key(), null, "pem"},                  // the key does not match
                    {"shop", shop.cert(), other.key(), "pem"},
                    {"shop", shop.cert(), null, "pem"},                                // no key
                    {"shop", shop.key(), null, "pem"},                                 // no certificate
                    {"shop", "hello", null, "pem"},
                    {"shop", cut, shop.key(), "pem"},                                  // a block cut short
                    {"shop", "junk\n" + shop.cert() + shop.key(), null, "pem"},
                    {"shop", shop.cert(), "hello", "key"},
                    {"shop", shop.cert(), encrypted, "key"},
                    {"shop", shop.cert().replace("MI", "M!"), shop.key(), "pem"},      // not base64
            };
            for (String[] refusal : refusals) {
                HttpResponse<String> response = upload(admin, ADMIN_TOKEN, refusal[0], refusal[1], refusal[2]);
                assertEquals(400, response.statusCode(), response.body());
                assertEquals(refusal[3], json(response).get("field").asText(), response.body());
                assertFalse(response.body().contains("PRIVATE KEY-----"), "no key material in the answer");
            }
            String big = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(300 * 1024) + "\n-----END CERTIFICATE-----\n";
            HttpResponse<String> tooBig = upload(admin, ADMIN_TOKEN, "shop", big, shop.key());
            assertEquals(400, tooBig.statusCode(), tooBig.body());

            for (String body : List.of("{\"name\": \"shop\", \"pem\": 5}", "{\"name\": \"shop\"}",
                    "{\"pem\": \"x\"}", "{\"name\": [\"shop\"], \"pem\": \"x\"}",
                    "{\"name\": \"shop\", \"pem\": \"x\", \"cert_file\": \"/etc/passwd\"}", "{\"name\": \"shop\",",
                    "[]")) {
                HttpResponse<String> response = admin.call("POST", "/api/certificates", ADMIN_TOKEN, body);
                assertEquals(400, response.statusCode(), body + ": " + response.body());
            }
            HttpResponse<String> taken = upload(admin, ADMIN_TOKEN, "kept", shop.cert() + shop.key(), null);
            assertEquals(409, taken.statusCode(), taken.body());

            assertArrayEquals(file, StateFileView.bytes(admin), "the state file is untouched");
            assertEquals(List.of("kept.crt", "kept.key"), names(certDir), "nothing else is kept, no temp file");
            assertEquals(other.cert(), Files.readString(certDir.resolve("kept.crt")), "the name taken is not replaced");
        }
    }

    @Test
    void namesAndPathsCannotLeaveTheCertificateDirectory() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(201, upload(admin, ADMIN_TOKEN, "shop", shop.cert() + shop.key(), null).statusCode());
            byte[] file = StateFileView.bytes(admin);
            for (String name : List.of("../evil", "..", ".", "a/b", "..\\evil", ".hidden", "evil\u0000", "évil",
                    "/tmp/evil", "x".repeat(65), " evil")) {
                HttpResponse<String> response = upload(admin, ADMIN_TOKEN, name, shop.cert() + shop.key(), null);
                assertEquals(400, response.statusCode(), name + ": " + response.body());
                assertEquals("name", json(response).get("field").asText(), response.body());
            }
            assertEquals(400, upload(admin, ADMIN_TOKEN, "", shop.cert() + shop.key(), null).statusCode());
            assertEquals(List.of("shop.crt", "shop.key"), names(dir.resolve("data/certs")));
            try (Stream<Path> all = Files.walk(dir)) {
                assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith("evil")), "no evil.* anywhere");
            }

            for (String target : List.of("/api/certificates/..%2F..%2Fbalor_state.json", "/api/certificates/%2e%2e",
                    "/api/certificates/..", "/api/certificates/.", "/api/certificates/..%5Cshop",
                    "/api/certificates/%2e%2e%2fcerts%2fshop", "/api/certificates/shop%00",
                    "/api/certificates/../balor_state.json", "/api/certificates/%2e%2e/balor_state.json",
                    "/api/certificates/shop%2F..%2F..%2Fbalor_state.json?include_key=true")) {
                for (String method : List.of("GET", "DELETE")) {
                    RawHttp.Answer answer = RawHttp.request(admin, method, target, ADMIN_TOKEN);
                    assertEquals(400, answer.status(), method + " " + target + ": " + answer.body());
                    assertFalse(answer.body().contains("BEGIN"), answer.body());
                }
            }
            RawHttp.Answer doubled = RawHttp.get(admin, "/api/certificates/%252e%252e%252fshop", ADMIN_TOKEN);
            assertEquals(404, doubled.status(), "decoded once, it is only an unknown name: " + doubled.body());
            assertArrayEquals(file, StateFileView.bytes(admin));
            assertEquals(200, admin.call("GET", "/api/certificates/shop", ADMIN_TOKEN, null).statusCode());
        }
    }

    @Test
    void certificateAListenerServesCannotBeDeleted() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            JsonNode cert = json(upload(admin, ADMIN_TOKEN, "shop", shop.cert() + shop.key(), null));
            String files = "\"cert_file\": \"" + cert.get("cert_file").asText() + "\", \"key_file\": \""
                    + cert.get("key_file").asText() + "\"";
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + upstream.address() + "\"]}");
            JsonNode tls = admin.create("/api/listeners", "{\"name\": \"tls\", \"listen\": \"127.0.0.1:0\", "
                    + "\"protocol\": \"http\", \"pool\": \"app\", \"tls\": {" + files + "}}");
            admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                    + "\"pool\": \"app\", \"host_routes\": [{\"host\": \"shop.example\", \"pool\": \"app\", "
                    + "\"tls\": {" + files + "}}]}");
            StateFileView.assertSaved(admin, "listeners", tls);

            String answer = shop.httpsGet(Downstream.port(tls.get("bound").asText()), "shop.example");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.endsWith("hello"), answer);

            HttpResponse<String> listed = admin.call("GET", "/api/certificates/shop", ADMIN_TOKEN, null);
            assertEquals("[\"tls\",\"web shop.example\"]", json(listed).get("used_by").toString(), listed.body());
            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> refused = admin.call("DELETE", "/api/certificates/shop", ADMIN_TOKEN, null);
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(json(refused).get("error").asText().contains("tls, web shop.example"), refused.body());
            assertArrayEquals(file, StateFileView.bytes(admin));
            assertTrue(Files.exists(Path.of(cert.get("cert_file").asText())));
            assertTrue(Files.exists(Path.of(cert.get("key_file").asText())));

            assertEquals(204, admin.call("DELETE", "/api/listeners/tls", ADMIN_TOKEN, null).statusCode());
            assertEquals(409, admin.call("DELETE", "/api/certificates/shop", ADMIN_TOKEN, null).statusCode(),
                    "a host route still serves it");
            assertEquals(204, admin.call("DELETE", "/api/listeners/web", ADMIN_TOKEN, null).statusCode());
            assertEquals(204, admin.call("DELETE", "/api/certificates/shop", ADMIN_TOKEN, null).statusCode());
            assertEquals(404, admin.call("GET", "/api/certificates/shop", ADMIN_TOKEN, null).statusCode());
            assertEquals(404, admin.call("DELETE", "/api/certificates/shop", ADMIN_TOKEN, null).statusCode());
            assertFalse(Files.exists(Path.of(cert.get("cert_file").asText())));
            assertFalse(Files.exists(Path.of(cert.get("key_file").asText())));
            assertEquals("[]", StateFileView.root(admin).get("certificates").toString());
        }
    }

    // ---- helpers

    private static HttpResponse<String> upload(AdminFixture admin, String token, String name, String pem, String key)
            throws Exception {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("pem", pem);
        if (key != null) {
            body.put("key", key);
        }
        return admin.call("POST", "/api/certificates", token, body.toString());
    }


    /** The file names in {@code dir}, sorted (empty when it does not exist). */
    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
