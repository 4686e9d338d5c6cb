package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.CertificateFiles;
import io.balor.CertificateStatus;
import io.balor.admin.auth.Role;
import io.balor.admin.http.Access;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.http.ApiResponse;
import io.balor.admin.http.JsonFields;
import io.balor.admin.http.Endpoint;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/certificates}: PEM bundles uploaded by admins and kept under {@code BALOR_CERT_DIR}
 * ({@link CertificateFolder}), with their metadata in the state file's {@code certificates}
 * section ({@code [{name, cert_file, key_file, source, uploaded_at}]}). A bundle whose PEM is
 * invalid or whose key does not match is refused and nothing is kept. Reads show subject, names,
 * issuer, validity and which listeners use the files; downloading gives the chain, and the key
 * only to an admin who asks for it ({@code ?include_key=true}). A certificate a listener or route
 * uses cannot be deleted. Changes are serialised on this object; worker threads.
 */
final class CertificatesApi {

    static final String CERTIFICATES = "certificates";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AdminContext context;
    private final CertificateFolder folder;

    CertificatesApi(AdminContext context) {
        this.context = context;
        this.folder = new CertificateFolder(context.certDir());
    }

    List<Endpoint> routes() {
        Access viewer = Access.atLeast(Role.VIEWER);
        Access admin = Access.atLeast(Role.ADMIN);
        List<Endpoint> routes = new ArrayList<>();
        // /api/certs: the original Balor's real path (its README said /api/certificates), kept as an alias.
        for (String base : List.of("/api/certificates", "/api/certs")) {
            routes.add(Endpoint.get(base, viewer, request -> ApiResponse.ok(list())));
            routes.add(Endpoint.post(base, admin, this::upload));
            routes.add(Endpoint.get(base + "/{name}", viewer, this::download));
            routes.add(Endpoint.delete(base + "/{name}", admin, this::delete));
        }
        return routes;
    }

    /**
     * The file an entry's {@code key} ({@code cert_file}, {@code key_file}) names: a relative path
     * is relative to the state file's directory, as everywhere in the state file.
     */
    private Path file(JsonNode entry, String key) {
        return StateFile.directory(context.store().file()).resolve(entry.path(key).asText()).normalize();
    }

    private ArrayNode list() {
        BalorState state = context.store().current();
        ArrayNode list = NODES.arrayNode();
        for (JsonNode entry : entries(state)) {
            list.add(view(state, entry));
        }
        return list;
    }

    private ObjectNode view(BalorState state, JsonNode entry) {
        ObjectNode node = ((ObjectNode) entry).deepCopy();
        CertificateStatus status = CertificateFiles.check(file(entry, "cert_file"), file(entry, "key_file"));
        node.put("subject", status.subject());
        ArrayNode names = node.putArray("sans");
        status.sans().forEach(names::add);   // DNS names, then IP addresses
        node.put("issuer", status.issuer());
        node.put("not_before", status.notBefore() == null ? null : status.notBefore().toString());
        node.put("not_after", status.notAfter() == null ? null : status.notAfter().toString());
        node.put("fingerprint", status.fingerprint());
        node.put("problem", status.problem());
        ArrayNode users = node.putArray("used_by");
        users(state, file(entry, "cert_file").toString()).forEach(users::add);
        return node;
    }

    private synchronized ApiResponse upload(ApiRequest request) {
        JsonFields body = request.rejectUnknownKeys("name", "pem", "key", "cert_pem", "key_pem");
        String name = body.requireText("name");
        String pem = oneOf(body, "pem", "cert_pem", true);
        String key = oneOf(body, "key", "key_pem", false);
        String problem = CertificateFolder.nameProblem(name);
        if (problem != null) {
            throw ApiException.badRequest("name", problem, "letters, digits, '.', '_' and '-', a letter or digit first");
        }
        if (find(context.store().current(), name) != null) {
            throw ApiException.conflict("certificate '" + name + "' already exists", "delete it first, or pick another name");
        }
        CertificateFolder.Stored stored = folder.store(name, pem, key);
        ObjectNode entry = NODES.objectNode().put("name", name).put("cert_file", stored.certFile().toString())
                .put("key_file", stored.keyFile().toString()).put("source", "manual")
                .put("uploaded_at", context.clock().instant().toString());
        BalorState after;
        try {
            after = context.change(state -> state.withExtra(CERTIFICATES, with(state, entry)));
        } catch (ApiException e) {
            folder.delete(stored);   // not saved: the files it made go too
            throw e;
        }
        return ApiResponse.created(view(after, entry)).withAuditDetail("uploaded certificate " + name)
                .withAuditChange(null, entry);
    }

    /**
     * The value of {@code key} or of the original Balor's {@code original} (one of them; both is a
     * 400), or null when neither is there and it is not {@code required}.
     */
    private static String oneOf(JsonFields body, String key, String original, boolean required) {
        String value = body.optionalText(key);
        String originalValue = body.optionalText(original);
        if (value != null && originalValue != null) {
            throw ApiException.badRequest(original, "give " + key + " or " + original + " (the original Balor's name),"
                    + " not both", "send one of them");
        }
        if (value == null && originalValue == null && required) {
            throw ApiException.badRequest(key, key + " is required (or " + original + ", the original Balor's name)",
                    "send the PEM certificate chain, with the key in it or in " + (key.equals("pem") ? "key" : key));
        }
        return value != null ? value : originalValue;
    }

    private ApiResponse download(ApiRequest request) {
        JsonNode entry = entry(request.pathParam("name"));
        boolean withKey = "true".equals(request.query("include_key"));
        if (withKey && request.principal().role() != Role.ADMIN) {
            throw ApiException.forbidden("only admins may download a private key", "ask without include_key");
        }
        ObjectNode node = view(context.store().current(), entry);
        node.put("chain", folder.read(file(entry, "cert_file")));
        if (withKey) {
            node.put("key", folder.read(file(entry, "key_file")));
        }
        ApiResponse response = ApiResponse.ok(node);
        return withKey ? response.withAuditDetail("downloaded the key of certificate " + entry.path("name").asText())
                : response;
    }

    private synchronized ApiResponse delete(ApiRequest request) {
        JsonNode entry = entry(request.pathParam("name"));
        String name = entry.path("name").asText();
        context.change(state -> {
            List<String> users = users(state, file(entry, "cert_file").toString());
            if (!users.isEmpty()) {
                throw ApiException.conflict("certificate '" + name + "' is used by " + String.join(", ", users),
                        "change those listeners' tls first");
            }
            ArrayNode rest = NODES.arrayNode();
            entries(state).forEach(e -> {
                if (!e.path("name").asText().equals(name)) {
                    rest.add(e);
                }
            });
            return state.withExtra(CERTIFICATES, rest);
        });
        folder.delete(new CertificateFolder.Stored(file(entry, "cert_file"), file(entry, "key_file")));
        return ApiResponse.noContent().withAuditDetail("deleted certificate " + name).withAuditChange(entry, null);
    }

    private JsonNode entry(String name) {
        JsonNode entry = find(context.store().current(), name);
        if (entry == null) {
            throw ApiException.notFound("no certificate '" + name + "'", "GET /api/certificates lists them");
        }
        return entry;
    }

    private static List<JsonNode> entries(BalorState state) {
        JsonNode section = state.extras().get(CERTIFICATES);
        List<JsonNode> list = new ArrayList<>();
        if (section != null && section.isArray()) {
            section.forEach(entry -> {
                if (entry.isObject()) {
                    list.add(entry);
                }
            });
        }
        return list;
    }

    private static JsonNode find(BalorState state, String name) {
        for (JsonNode entry : entries(state)) {
            if (name.equals(entry.path("name").asText(null))) {
                return entry;
            }
        }
        return null;
    }

    private static ArrayNode with(BalorState state, JsonNode added) {
        ArrayNode all = NODES.arrayNode();
        entries(state).forEach(all::add);
        return all.add(added);
    }

    /**
     * The listeners (and {@code listener host} routes) whose TLS names {@code certFile}, and the
     * admin console when its saved settings do (in either of their shapes).
     */
    private List<String> users(BalorState state, String certFile) {
        List<String> users = new ArrayList<>();
        io.balor.admin.state.ConsoleSettings console = io.balor.admin.state.ConsoleSettings.of(state,
                context.store().file());
        if (console.certFile() != null && certFile.equals(console.certFile().toString())) {
            users.add("the admin console");
        }
        for (ListenerConfig listener : state.config().listeners()) {
            if (listener.tls() != null && listener.tls().certificate() != null
                    && certFile.equals(listener.tls().certificate().certFile().toString())) {
                users.add(listener.name());
            }
            for (RouteConfig route : listener.http().routes()) {
                if (route.tls() != null && certFile.equals(route.tls().certFile().toString())) {
                    users.add(listener.name() + " " + route.host());
                }
            }
        }
        return users;
    }
}
