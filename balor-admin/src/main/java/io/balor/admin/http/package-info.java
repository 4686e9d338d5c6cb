/**
 * A small, strict JSON API server on jdk.httpserver: the admin API's transport. Handlers
 * ({@link io.balor.admin.http.Handler}) are registered as {@link io.balor.admin.http.Endpoint}s and
 * served by an {@link io.balor.admin.http.ApiServer}; they read an
 * {@link io.balor.admin.http.ApiRequest}, answer an {@link io.balor.admin.http.ApiResponse} or
 * throw an {@link io.balor.admin.http.ApiException}.
 *
 * <p>Decisions, in one place:
 * <ul>
 *   <li>JSON everywhere: errors are {@code {"error", "hint", "field"?}} (plus {@code problems}
 *       for a refused config); JSON bodies are strict (UTF-8, no duplicate keys, nothing trailing).</li>
 *   <li>Order of checks: target (400) → authentication → route (404/405) → access (401/403) →
 *       media type (415) → size (413) → handler. Authentication runs before routing so that the
 *       audit record of a refused change names its sender.</li>
 *   <li>HEAD and OPTIONS are not implied: without such a route they get 405 with {@code Allow}.
 *       No CORS at all: no {@code Access-Control-*} header is ever sent (handlers cannot add
 *       one), so a browser preflight always fails; the console is served same-origin.</li>
 *   <li>Every request but GET and HEAD leaves one {@link io.balor.admin.http.AuditRecord},
 *       refused ones included, written before the response so a client holding its answer can
 *       rely on the record.</li>
 *   <li>Overload: a bounded worker queue; what does not fit gets a quick 503 from one busy thread.</li>
 * </ul>
 *
 * <p>What jdk.httpserver does before this package sees a request, and so answers in its own way
 * (plain HTML or a closed connection, no JSON, no audit record): a malformed request line or
 * target (a bad {@code %} escape, a raw {@code \}), a bad header name, conflicting
 * {@code Content-Length}/{@code Transfer-Encoding}, more request headers or header bytes than
 * {@code sun.net.httpserver.maxReqHeaders}/{@code maxReqHeaderSize}, and the timeouts of
 * {@link io.balor.admin.http.ApiServer#applyTimeoutDefaults()}. After a refusal that left the body
 * unread (401, 413, 415 ...), it drains up to 16 MiB of it once the answer is out and closes the
 * connection if more is left. Every response body is chunked (see ApiDispatcher), and connections
 * that clients reset are taken off the server's count by {@link io.balor.admin.http.ConnectionReaper}.
 */
package io.balor.admin.http;
