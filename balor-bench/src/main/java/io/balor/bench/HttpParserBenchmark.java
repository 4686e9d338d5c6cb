package io.balor.bench;

import io.balor.http.HeadWriter;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The L7 head path per request: parse a browser-like request head (13 fields, ~500 bytes) from
 * a direct buffer, and regenerate it for the upstream with the forwarding rules. Both must
 * allocate nothing: run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpParserBenchmark {

    private static final String HEAD = "GET /api/v1/orders?page=2&sort=desc HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: application/json, text/plain, */*\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Referer: https://shop.example.com/orders\r\n"
            + "X-Requested-With: XMLHttpRequest\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=4f2a9c1e7b; theme=dark; BALOR_STICKY=0123456789abcdef\r\n"
            + "Sec-Fetch-Dest: empty\r\n"
            + "Sec-Fetch-Mode: cors\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n";

    private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
    private final ByteBuffer out = ByteBuffer.allocateDirect(8192);
    private final HttpParser parser = HttpParser.requests(HttpLimits.DEFAULT);
    private final HttpHead head = new HttpHead(HttpLimits.DEFAULT);
    private final HeadWriter writer = new HeadWriter();
    private final byte[] client = "192.0.2.7".getBytes(StandardCharsets.US_ASCII);
    private final byte[] proto = "http".getBytes(StandardCharsets.US_ASCII);
    private int length;

    @Setup
    public void setUp() {
        byte[] bytes = HEAD.getBytes(StandardCharsets.US_ASCII);
        in.put(0, bytes);
        length = bytes.length;
    }

    @Benchmark
    public int parse() {
        parser.reset();
        return parser.parse(in, 0, length, head);
    }

    @Benchmark
    public int parseAndRegenerate() {
        parser.reset();
        parser.parse(in, 0, length, head);
        out.clear();
        writer.request(head, out, HeadWriter.Framing.NONE, 0, null, client, proto, false, false);
        return out.position();
    }
}
