package io.balor.admin.acme.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP calls a DNS provider makes: each with a timeout, its answer read up to
 * {@value #MAX_BODY} bytes, and every message it makes scrubbed of the provider's secrets (an
 * API may echo a request back, and a transport error may quote one). Immutable; any thread, as
 * {@link HttpClient} is.
 */
final class ProviderHttp {

    /** The most of an answer that is read: a DNS API's answers are small. */
    static final int MAX_BODY = 1 << 20;

    /** An answer: its status and body. */
    record Answer(int status, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient http;
    private final Duration timeout;
    private final String[] secrets;

    ProviderHttp(HttpClient http, Duration timeout, String... secrets) {
        this.http = http;
        this.timeout = timeout;
        this.secrets = secrets.clone();
    }

    /** A request builder with this provider's timeout. */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /**
     * Sends {@code request}.
     *
     * @param what what the call does, for messages ({@code cloudflare: create TXT x.example.com.})
     * @throws IOException when it cannot be sent or answered, or the answer is too large
     */
    Answer send(HttpRequest request, String what) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted");
        } catch (IOException e) {
            throw new IOException(scrub(what + ": " + request.method() + " " + request.uri().getHost()
                    + " failed: " + e), null);
        }
        try (InputStream in = response.body()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                if (out.size() + n > MAX_BODY) {
                    throw new IOException(what + ": the answer is larger than " + MAX_BODY + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return new Answer(response.statusCode(), out.toByteArray());
        }
    }

    /** {@code text} with the provider's secrets replaced ({@link ProviderSecrets#scrub}). */
    String scrub(String text) {
        return ProviderSecrets.scrub(text, secrets);
    }

    /** The start of {@code answer}'s body, scrubbed, for a message about an answer that made no sense. */
    String excerpt(Answer answer) {
        String text = answer.text();
        return scrub(text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }
}
