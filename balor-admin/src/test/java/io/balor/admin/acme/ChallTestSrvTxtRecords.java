package io.balor.admin.acme;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TxtRecords} adapter for pebble-challtestsrv's management API, the test's DNS provider:
 * {@code POST /set-txt {"host": FQDN, "value": V}} and {@code POST /clear-txt {"host": FQDN}}
 * (which clears every value of the name). Counts what is present, so a test can check that
 * everything was cleaned up. Thread-safe; blocking calls with a 5 s timeout.
 */
public final class ChallTestSrvTxtRecords implements TxtRecords {

    private final URI management;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> present = new ConcurrentHashMap<>();
    private final Map<String, Boolean> everPresented = new ConcurrentHashMap<>();

    /** @param management challtestsrv's management URL ({@link PebbleServer#challtestsrvUrl()}) */
    public ChallTestSrvTxtRecords(URI management) {
        this.management = management;
    }

    @Override
    public void present(String fqdn, String value) throws IOException {
        call("/set-txt", fqdn, value);
        present.put(fqdn + " " + value, value);
        everPresented.put(fqdn, true);
    }

    @Override
    public void cleanUp(String fqdn, String value) throws IOException {
        call("/clear-txt", fqdn, null);
        present.remove(fqdn + " " + value);
    }

    /** Records presented and not cleaned up yet. */
    public int outstanding() {
        return present.size();
    }

    /** Whether {@code fqdn} was ever presented. */
    public boolean presented(String fqdn) {
        return everPresented.containsKey(fqdn);
    }

    private void call(String path, String fqdn, String value) throws IOException {
        ObjectNode body = Jws.MAPPER.createObjectNode().put("host", fqdn);
        if (value != null) {
            body.put("value", value);
        }
        HttpRequest request = HttpRequest.newBuilder(management.resolve(path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Jws.write(body))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("challtestsrv " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
