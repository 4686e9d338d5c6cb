/**
 * HTTP/2 (RFC 9113) and HPACK (RFC 7541), written for Balor: the codec and the protocol engine of
 * one connection, without I/O. Internal: not exported by {@code io.balor.core}.
 *
 * <ul>
 *   <li>HPACK: {@link io.balor.http2.Huffman}, {@link io.balor.http2.StaticTable},
 *       {@link io.balor.http2.DynamicTable}, {@link io.balor.http2.HpackDecoder},
 *       {@link io.balor.http2.HpackEncoder}.</li>
 *   <li>Frames: {@link io.balor.http2.Frames} (vocabulary, writing) and
 *       {@link io.balor.http2.FrameReader} (reading, what a frame alone breaks).</li>
 *   <li>The server side of a connection: {@link io.balor.http2.Http2Connection}, with its
 *       {@link io.balor.http2.StreamTable}, {@link io.balor.http2.PeerSettings},
 *       {@link io.balor.http2.FlowControl}, {@link io.balor.http2.HeaderBlock} and
 *       {@link io.balor.http2.PeerBudget}s; the application is its
 *       {@link io.balor.http2.StreamHandler}.</li>
 *   <li>Between HTTP/2 and Balor's HTTP/1.1 exchange: {@link io.balor.http2.RequestHead} (a
 *       request's fields, checked, as an HTTP/1.1 head), {@link io.balor.http2.RequestTrailers}
 *       (its trailers as a chunked body's trailer section), both checked by
 *       {@link io.balor.http2.FieldChecks}, and {@link io.balor.http2.ResponseBlock} (the HTTP/1.1
 *       response head Balor writes, and a chunked body's trailer section, as header blocks).</li>
 * </ul>
 *
 * <p>Decisions, in one place:
 * <ul>
 *   <li>Everything a connection keeps is bounded by its {@link io.balor.http2.Http2Limits}: the
 *       streams (100), what it buffers of request bodies (the connection window, 256 KiB: window
 *       is given back only for what the application passed on), a header block (twice the list
 *       size, 64 frames), HPACK's table (4096). In steady state nothing is allocated: stream
 *       objects are reused, fields are offsets into scratch arrays.</li>
 *   <li>The encoder never uses the dynamic table (as HAProxy's): no state to keep in step, no
 *       compression oracle across requests; a size update to 0 opens its first block.</li>
 *   <li>A request goes on as HTTP/1.1: its fields become the head Balor's own parser would have
 *       read ({@link io.balor.http2.RequestHead}), so routing, limits, the forwarding rules, logs
 *       and metrics are the same code for both. The response comes back the same way
 *       ({@link io.balor.http2.ResponseBlock}).</li>
 *   <li>Abuse ends the connection with GOAWAY: ENHANCE_YOUR_CALM for rapid reset (nghttp2's
 *       budget, 1000 then 33 a second), floods of empty or useless frames, over-long header
 *       blocks; the answers to PING and SETTINGS floods are bounded by not reading while the
 *       output has no room for them.</li>
 *   <li>PRIORITY is read and ignored (RFC 9113 §5.3.2 deprecates it); server push is never used
 *       (SETTINGS_ENABLE_PUSH from a client is only checked); CONNECT is recognised and left to
 *       the caller.</li>
 *   <li>Not yet: the client and upstream sessions on the event loop (ALPN {@code h2}, h2c with
 *       prior knowledge, h2 and h2c upstreams) that put these to work (issue 18).</li>
 * </ul>
 */
package io.balor.http2;
