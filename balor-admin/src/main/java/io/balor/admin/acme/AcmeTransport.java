package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of ACME (RFC 8555 §6): GETs and signed POSTs on {@code java.net.http}, each
 * bounded by {@link AcmeOptions#requestTimeout()} from connect to the last body byte; the
 * {@code Replay-Nonce} of every response kept for the next POST (§6.5), a fresh one fetched with
 * {@code HEAD newNonce} when none is left; a {@code badNonce} refusal retried with the nonce that
 * came with it, at most {@value #BAD_NONCE_ATTEMPTS} attempts in all (§6.5: "clients SHOULD
 * retry"). Any error status becomes an {@link AcmeException} with the server's problem document
 * and {@code Retry-After}.
 *
 * <p>Blocking, on the caller's thread; the nonce slot is the only state and is guarded by this
 * object's monitor (an {@link AcmeClient} may be shared, although jobs normally each use one).
 */
final class AcmeTransport {

    /** Attempts of one POST when the server keeps answering {@code badNonce}. */
    static final int BAD_NONCE_ATTEMPTS = 5;

    private static final String JOSE = "application/jose+json";

    private final HttpClient http;
    private final AcmeOptions options;
    private final Clock clock;
    private final AtomicInteger badNonceRetries = new AtomicInteger();
    private String nonce;

    AcmeTransport(AcmeOptions options, Clock clock) throws IOException {
        this.options = options;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .sslContext(AcmeTrust.sslContext(options.trustedCaFile()))
                .connectTimeout(options.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** One answer: status, headers and the whole body (ACME bodies are small: JSON, a PEM chain). */
    record Response(int status, HttpHeaders headers, byte[] body, URI uri) {

        JsonNode json(String step) throws AcmeException {
            try {
                return Jws.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AcmeException(step, "the ACME server at " + uri + " answered malformed JSON", e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The {@code Location} header resolved against the request URL, or null. */
        URI location() {
            return headers.firstValue("Location").map(uri::resolve).orElse(null);
        }
    }

    /** How many times a POST was retried after {@code badNonce} (a test hook). */
    int badNonceRetries() {
        return badNonceRetries.get();
    }

    /** An unsigned GET (the directory, RFC 8555 §7.1.1). */
    Response get(URI url, String step) throws AcmeException {
        Response response = send(request(url).GET().build(), step);
        if (response.status() >= 400) {
            throw failure(response, step);
        }
        return response;
    }

    /**
     * A signed POST of {@code payload} to {@code url}; {@code payload} null is POST-as-GET.
     * {@code accept} names the wanted media type, null for JSON.
     */
    Response post(URI url, JsonNode payload, AccountSigner signer, URI newNonce, String accept, String step)
            throws AcmeException {
        for (int attempt = 1; ; attempt++) {
            ObjectNode jws = signer.sign(url, takeNonce(newNonce, step), payload);
            HttpRequest.Builder request = request(url)
                    .header("Content-Type", JOSE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Jws.write(jws)));
            if (accept != null) {
                request.header("Accept", accept);
            }
            Response response = send(request.build(), step);
            if (response.status() < 400) {
                return response;
            }
            AcmeException failure = failure(response, step);
            boolean badNonce = failure.problem().map(p -> AcmeProblem.BAD_NONCE.equals(p.type())).orElse(false);
            if (!badNonce || attempt >= BAD_NONCE_ATTEMPTS) {
                throw failure;
            }
            // The refusal carried a fresh nonce (§6.5), which send() kept: the next attempt uses it.
            badNonceRetries.incrementAndGet();
        }
    }

    private String takeNonce(URI newNonce, String step) throws AcmeException {
        synchronized (this) {
            if (nonce != null) {
                String taken = nonce;
                nonce = null;
                return taken;
            }
        }
        Response response = send(request(newNonce).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                step + " (newNonce)");
        if (response.status() >= 400) {
            throw failure(response, step + " (newNonce)");
        }
        String fresh = response.headers().firstValue("Replay-Nonce")
                .orElseThrow(() -> new AcmeException(step, "newNonce answered without a Replay-Nonce header"));
        synchronized (this) {
            if (fresh.equals(nonce)) {
                nonce = null;       // send() kept the HEAD's nonce too: it is used here, not again
            }
        }
        return fresh;
    }

    private HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).timeout(options.requestTimeout()).header("User-Agent", options.userAgent());
    }

    private Response send(HttpRequest request, String step) throws AcmeException {
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> answer;
        try {
            answer = future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AcmeException(step, "no answer from the ACME server at " + origin(request.uri()) + " within "
                    + options.requestTimeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new AcmeException(step, "interrupted", e);
        } catch (ExecutionException e) {
            throw unreachable(request.uri(), step, e.getCause());
        }
        answer.headers().firstValue("Replay-Nonce").ifPresent(fresh -> {
            synchronized (this) {
                nonce = fresh;
            }
        });
        return new Response(answer.statusCode(), answer.headers(), answer.body(), request.uri());
    }

    private AcmeException unreachable(URI uri, String step, Throwable cause) {
        String where = "the ACME server at " + origin(uri);
        if (cause instanceof HttpConnectTimeoutException) {
            return new AcmeException(step, "cannot reach " + where + ": connect timed out after "
                    + options.requestTimeout().toMillis() + " ms", cause);
        }
        if (cause instanceof ConnectException) {
            return new AcmeException(step, "cannot reach " + where + ": connection refused or no route", cause);
        }
        if (cause instanceof SSLException) {
            return new AcmeException(step, "TLS with " + where
                    + " failed (is its CA trusted? BALOR_ACME_CA_FILE adds one): " + cause.getMessage(), cause);
        }
        return new AcmeException(step, "cannot reach " + where + ": " + cause, cause);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private AcmeException failure(Response response, String step) {
        return failure(response, step, clock.instant());
    }

    /**
     * The problem document of an error response (RFC 8555 §6.7), or one made up from its status
     * when the body is not one; with the instant its {@code Retry-After} names, if any.
     */
    static AcmeException failure(Response response, String step, Instant now) {
        Instant retryAfter = retryAfter(response.headers(), now);
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/problem+json") || type.startsWith("application/json")) {
            try {
                JsonNode json = Jws.MAPPER.readTree(response.body());
                if (json != null && json.isObject()) {
                    return new AcmeException(step, AcmeProblem.parse(json, response.status()), retryAfter);
                }
            } catch (IOException e) {
                // fall through: reported by status
            }
        }
        String detail = "HTTP " + response.status() + " from " + response.uri();
        return new AcmeException(step, new AcmeProblem(null, detail, response.status(), null, List.of()), retryAfter);
    }

    /** {@code Retry-After} (RFC 9110 §10.2.3: seconds or an HTTP date) as an instant, or null. */
    static Instant retryAfter(HttpHeaders headers, Instant now) {
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        value = value.strip();
        try {
            return now.plus(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException e) {
            try {
                return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
