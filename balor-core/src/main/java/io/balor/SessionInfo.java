package io.balor;

/**
 * A description of one live session (one client connection and the upstream connection it
 * is forwarded to), as HAProxy's {@code show sess} gives it. Taken on the session's loop.
 *
 * @param listener              the listener that accepted it
 * @param client                the client, {@code ip:port} (as a trusted PROXY header named it, else the socket's peer)
 * @param upstream              the upstream id ({@code pool/address}), or null while none is picked
 * @param state                 {@code connecting}, {@code open}, {@code half-closed} or {@code closing}
 * @param bytesFromClient       bytes read from the client so far
 * @param bytesFromUpstream     bytes read from the upstream so far
 * @param bufferedToUpstream    bytes Balor holds that wait to be written to the upstream
 * @param bufferedToClient      bytes Balor holds that wait to be written to the client
 * @param clientReadPaused      reading from the client is paused (the upstream side is past its high watermark)
 * @param upstreamReadPaused    reading from the upstream is paused (the client side is past its high watermark)
 */
public record SessionInfo(String listener, String client, String upstream, String state,
                          long bytesFromClient, long bytesFromUpstream,
                          int bufferedToUpstream, int bufferedToClient,
                          boolean clientReadPaused, boolean upstreamReadPaused) {
}
