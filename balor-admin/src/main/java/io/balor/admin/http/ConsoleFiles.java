package io.balor.admin.http;

import io.balor.admin.console.ConsoleAssets;

import java.util.List;

/**
 * Answers the web console's requests on the admin server: every {@code GET}/{@code HEAD} whose
 * path is not the API's ({@code /api}, {@code /api/...}, or another path an endpoint has, such
 * as {@code /metrics}). {@code /assets/BUILD/NAME} is a console file, cached for a year (its URL
 * changes with its content); any other path is the console's page ({@code index.html}, its
 * routes are the browser's), revalidated each time. Both carry the console's
 * {@code Content-Security-Policy} (nothing but this origin: no inline script, no framing) and
 * an {@code ETag} ({@code If-None-Match} gets 304), and go gzip-compressed to a client that takes
 * it. No authentication: the files hold no data, which comes from the API after login. Served
 * from memory; immutable; any worker thread.
 */
final class ConsoleFiles {

    /** What the console's page may load and do: its own origin only. */
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final String REVALIDATE = "no-cache";
    /** A quality of zero ({@code q=0}, {@code q=0.000}): the coding is refused. */
    private static final java.util.regex.Pattern REFUSED = java.util.regex.Pattern.compile("q=0(\\.0{0,3})?");

    private final ConsoleAssets assets;

    ConsoleFiles(ConsoleAssets assets) {
        this.assets = assets;
    }

    /** Whether a request for {@code segments} that no endpoint has is the console's. */
    static boolean isConsolePath(String method, List<String> segments) {
        return (method.equals("GET") || method.equals("HEAD")) && (segments.isEmpty() || !segments.get(0).equals("api"));
    }

    /** The answer to a console request: a file, the page, 304, or 404 for a file of another build. */
    ApiResponse answer(List<String> segments, String acceptEncoding, String ifNoneMatch) {
        ConsoleAssets.Asset asset;
        String caching;
        if (!segments.isEmpty() && segments.get(0).equals("assets")) {
            asset = segments.size() > 2 && segments.get(1).equals(assets.build())
                    ? assets.asset(String.join("/", segments.subList(2, segments.size()))) : null;
            if (asset == null) {
                throw ApiException.notFound("no such console file",
                        "load the console again from / (it was updated, or the name is wrong)");
            }
            caching = IMMUTABLE;
        } else {
            asset = assets.index();
            caching = REVALIDATE;
        }
        boolean gzip = takesGzip(acceptEncoding);
        ApiResponse response = ifNoneMatch != null && ifNoneMatch.contains(asset.etag())
                ? ApiResponse.bytes(304, asset.contentType(), new byte[0])
                : ApiResponse.bytes(200, asset.contentType(), gzip ? asset.gzipped() : asset.bytes());
        if (gzip && response.status() == 200) {
            response = response.withHeader("Content-Encoding", "gzip");
        }
        return response.withHeader("Cache-Control", caching).withHeader("ETag", asset.etag())
                .withHeader("Vary", "Accept-Encoding").withHeader("Content-Security-Policy", POLICY);
    }

    /** Whether {@code Accept-Encoding} lists gzip without {@code q=0}. */
    static boolean takesGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.strip().split(";");
            if (parts[0].strip().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
                    if (REFUSED.matcher(parameter).matches()) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
