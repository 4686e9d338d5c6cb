package io.balor.upstream;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.UnresolvedAddressException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link UpstreamError}: the tokens of connect, I/O and status failures, and their details. */
class UpstreamErrorTest {

    @Test
    void connectFailuresAreNamedByWhatFailed() {
        assertSame(UpstreamError.CONNECT_REFUSED, UpstreamError.ofConnect(new ConnectException("Connection refused")));
        assertEquals("connect_failed: Network is unreachable",
                UpstreamError.ofConnect(new ConnectException("Network is unreachable")));
        assertEquals("connect_failed: No route to host", UpstreamError.ofConnect(new NoRouteToHostException("No route to host")));
        assertEquals("connect_failed: unresolved address", UpstreamError.ofConnect(new UnresolvedAddressException()));
        assertEquals("upstream_tls: PKIX path building failed: x",
                UpstreamError.ofConnect(new SSLHandshakeException("PKIX path building failed: x")));
        assertEquals("connect_failed: IOException", UpstreamError.ofConnect(new IOException()), "no message: its type");
    }

    @Test
    void ioFailuresAreResetsUnlessTlsSaysMore() {
        assertSame(UpstreamError.RESET, UpstreamError.ofIo(new IOException("Connection reset")));
        assertSame(UpstreamError.RESET, UpstreamError.ofIo(new IOException("Broken pipe")));
        assertEquals("upstream_tls: bad record MAC", UpstreamError.ofIo(new javax.net.ssl.SSLException("bad record MAC")));
    }

    @Test
    void detailsStayOnOneShortLine() {
        String detail = UpstreamError.ofConnect(new SSLHandshakeException("line one\nline two" + "x".repeat(500)));
        assertEquals("upstream_tls: line one line two", detail.substring(0, 31));
        assertEquals("upstream_tls: ".length() + UpstreamError.MAX_DETAIL + 3, detail.length());
    }

    @Test
    void countedFiveHundredsHaveTokensOfTheirOwn() {
        assertEquals("status_500", UpstreamError.ofStatus(500));
        assertEquals("status_504", UpstreamError.ofStatus(504));
        assertNull(UpstreamError.ofStatus(501));
        assertNull(UpstreamError.ofStatus(200));
        assertSame(UpstreamError.ofStatus(503), UpstreamError.ofStatus(503), "a constant: nothing allocated");
    }
}
