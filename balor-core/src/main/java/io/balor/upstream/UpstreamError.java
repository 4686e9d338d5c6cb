package io.balor.upstream;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Why an exchange with an upstream failed, as one fixed vocabulary for the access log's
 * {@code error} field, the {@code upstream} events and passive health's {@code last_error}
 * ({@link UpstreamHealth#trafficError()}): a short token, and for some a detail after
 * {@code ": "} (the TLS or socket error's own message).
 *
 * <table>
 *   <caption>tokens</caption>
 *   <tr><td>{@value #CONNECT_REFUSED}</td><td>the upstream refused the TCP connection</td></tr>
 *   <tr><td>{@value #CONNECT_TIMEOUT}</td><td>no connection (TLS handshake included) within the connect timeout</td></tr>
 *   <tr><td>{@value #CONNECT_FAILED}{@code : detail}</td><td>another connect error (no route, unresolved address)</td></tr>
 *   <tr><td>{@value #TLS}{@code : detail}</td><td>the TLS handshake or a TLS record failed (verification: {@code PKIX path
 *   building failed}, {@code No subject alternative names matching ...})</td></tr>
 *   <tr><td>{@value #RESET}</td><td>the connection was reset, or a write to it failed</td></tr>
 *   <tr><td>{@value #CLOSED}</td><td>the upstream closed before its response was complete (its head, or a body
 *   whose length says more was to come)</td></tr>
 *   <tr><td>{@value #BAD_RESPONSE_BODY}{@code : detail}</td><td>a response body that cannot be relayed whole (invalid
 *   chunked framing, TLS ended without {@code close_notify} in a body that runs until close)</td></tr>
 *   <tr><td>{@value #BODY_IDLE}</td><td>a response body that stopped moving for the body-idle timeout</td></tr>
 *   <tr><td>{@value #LOCAL}{@code : detail}</td><td>Balor could not make the connection's socket (out of file
 *   descriptors: {@code Too many open files}); not the upstream's failure, never counted against it</td></tr>
 *   <tr><td>{@value #BAD_RESPONSE_HEAD}{@code : detail}</td><td>a response head Balor refuses (invalid, too large, a 101
 *   that does not accept the WebSocket handshake, more than 32 interim responses)</td></tr>
 *   <tr><td>{@value #RESPONSE_TIMEOUT}</td><td>no response head within the response timeout (the 504)</td></tr>
 *   <tr><td>{@code status_500}, {@code _502}, {@code _503}, {@code _504}</td><td>a 5xx answer that passive health
 *   counts ({@code count_5xx})</td></tr>
 * </table>
 *
 * <p>The tokens are constants and the classification allocates only when there is a detail to
 * add, which happens on a failure, never on a steady exchange. Stateless; any thread.
 */
public final class UpstreamError {

    public static final String CONNECT_REFUSED = "connect_refused";
    public static final String CONNECT_TIMEOUT = "connect_timeout";
    public static final String CONNECT_FAILED = "connect_failed";
    public static final String TLS = "upstream_tls";
    public static final String RESET = "upstream_reset";
    public static final String CLOSED = "upstream_closed";
    public static final String BAD_RESPONSE_HEAD = "bad_response_head";
    public static final String RESPONSE_TIMEOUT = "response_timeout";
    public static final String BAD_RESPONSE_BODY = "bad_response_body";
    public static final String BODY_IDLE = "body_idle";
    public static final String LOCAL = "local_resource";

    /** Chunked framing (or a length) that the body does not keep to. */
    public static final String INVALID_BODY = BAD_RESPONSE_BODY + ": invalid framing";
    /** TLS ended without close_notify while a body that runs until close was relayed (RFC 9112 §9.8). */
    public static final String TRUNCATED_BODY = BAD_RESPONSE_BODY + ": TLS ended without close_notify";

    /** A response head that does not parse (RFC 9112 §4). */
    public static final String INVALID_HEAD = BAD_RESPONSE_HEAD + ": invalid";
    /** A response head larger than the buffer that reads it, or than the client's buffer once rewritten. */
    public static final String HEAD_TOO_LARGE = BAD_RESPONSE_HEAD + ": too large";
    /** A 101 that does not complete the client's WebSocket handshake (RFC 6455 §4.1). */
    public static final String BAD_UPGRADE = BAD_RESPONSE_HEAD + ": 101 not accepting the WebSocket handshake";
    /** More interim (1xx) responses than an exchange may relay (32): an upstream sending them forever. */
    public static final String TOO_MANY_INTERIM = BAD_RESPONSE_HEAD + ": more than 32 interim responses";

    /** A detail is cut here: the log line and the event stay short. */
    static final int MAX_DETAIL = 200;

    private static final String[] STATUS_5XX = {"status_500", null, "status_502", "status_503", "status_504"};

    private UpstreamError() {
    }

    /** Why a connect (TCP, then TLS) to an upstream failed. */
    public static String ofConnect(Throwable e) {
        if (e instanceof SSLException) {
            return withDetail(TLS, e);
        }
        if (e instanceof ConnectException) {
            String message = e.getMessage();
            return message != null && message.contains("refused") ? CONNECT_REFUSED : withDetail(CONNECT_FAILED, e);
        }
        if (e instanceof UnresolvedAddressException) {
            return CONNECT_FAILED + ": unresolved address";
        }
        return withDetail(CONNECT_FAILED, e);
    }

    /** Why Balor could not even make a socket for a connection (the process's own limits). */
    public static String ofLocal(Throwable e) {
        return withDetail(LOCAL, e);
    }

    /** Why reading from or writing to a connected upstream failed. */
    public static String ofIo(IOException e) {
        return e instanceof SSLException ? withDetail(TLS, e) : RESET;
    }

    /** The token of a 5xx answer that passive health counts (500, 502, 503, 504), else null. */
    public static String ofStatus(int status) {
        return status >= 500 && status <= 504 ? STATUS_5XX[status - 500] : null;
    }

    /** {@code token: message} (the message on one line, cut at {@link #MAX_DETAIL}), or the exception's type when it has none. */
    static String withDetail(String token, Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        message = message.replace('\n', ' ').replace('\r', ' ');
        if (message.length() > MAX_DETAIL) {
            message = message.substring(0, MAX_DETAIL) + "...";
        }
        return token + ": " + message;
    }
}
