package io.balor.bench;

import io.balor.http2.HpackDecoder;
import io.balor.http2.HpackEncoder;
import io.balor.http2.Huffman;

import java.io.ByteArrayOutputStream;
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
 * HPACK per request on an HTTP/2 connection in steady state. {@code decodeRequest}: a browser's
 * request block after its first: eleven fields indexed from the dynamic table and a
 * Huffman-coded {@code :path} literal with the static table's name (not indexed, so the block
 * means the same at every call). {@code encodeResponse}: a response head of eight fields as Balor writes it
 * (static table, literals without indexing, Huffman when shorter, {@code set-cookie} never
 * indexed). Both must allocate nothing: run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HpackBenchmark {

    private static final String[][] REQUEST = {
        {":method", "GET"}, {":scheme", "https"}, {":authority", "shop.example.com"},
        {"user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
        {"accept", "application/json, text/plain, */*"}, {"accept-language", "en-US,en;q=0.5"},
        {"accept-encoding", "gzip, deflate, br"}, {"referer", "https://shop.example.com/orders"},
        {"cookie", "session=4f2a9c1e7b; theme=dark; BALOR_STICKY=0123456789abcdef"},
        {"sec-fetch-dest", "empty"}, {"sec-fetch-mode", "cors"},
    };
    private static final String[][] RESPONSE = {
        {":status", "200"}, {"content-type", "application/json; charset=utf-8"}, {"content-length", "1234"},
        {"date", "Mon, 07 Dec 2026 05:00:00 GMT"}, {"server", "balor"}, {"cache-control", "private"},
        {"set-cookie", "BALOR_STICKY=0123456789abcdef; Path=/; HttpOnly"}, {"vary", "accept-encoding"},
    };

    private final HpackDecoder decoder = new HpackDecoder(4096, 16384);
    private final HpackEncoder encoder = new HpackEncoder();
    private final ByteBuffer out = ByteBuffer.allocate(4096);
    private final byte[][] names = new byte[RESPONSE.length][];
    private final byte[][] values = new byte[RESPONSE.length][];
    private byte[] block;
    private int fieldBytes;
    private final HpackDecoder.FieldSink sink = (bytes, nameFrom, nameLength, valueFrom, valueLength, sensitive) ->
            fieldBytes += nameLength + valueLength;

    @Setup
    public void setUp() {
        // The first request puts every field in the table; the next ones index them (newest first:
        // the last field added is index 62) and add a :path of their own.
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        for (String[] field : REQUEST) {
            literalWithIndexing(first, field[0], field[1]);
        }
        byte[] primer = first.toByteArray();
        decoder.decode(primer, 0, primer.length, sink);
        ByteArrayOutputStream next = new ByteArrayOutputStream();
        for (int i = REQUEST.length; i >= 1; i--) {
            next.write(0x80 | (61 + i));   // indexed: 72 (the oldest, :method) down to 62
        }
        next.write(0x04);                  // literal without indexing, name :path (static 4)
        huffmanString(next, "/api/v1/orders?page=2&sort=desc");
        block = next.toByteArray();
        for (int i = 0; i < RESPONSE.length; i++) {
            names[i] = RESPONSE[i][0].getBytes(StandardCharsets.US_ASCII);
            values[i] = RESPONSE[i][1].getBytes(StandardCharsets.US_ASCII);
        }
        if (decoder.decode(block, 0, block.length, sink) != HpackDecoder.OK) {
            throw new IllegalStateException("the benchmark's block does not decode: " + decoder.problem());
        }
    }

    @Benchmark
    public int decodeRequest() {
        fieldBytes = 0;
        decoder.decode(block, 0, block.length, sink);
        return fieldBytes;
    }

    @Benchmark
    public int encodeResponse() {
        out.clear();
        encoder.startBlock(out);
        for (int i = 0; i < names.length; i++) {
            encoder.field(names[i], 0, names[i].length, values[i], 0, values[i].length, i == 6, out);
        }
        return out.position();
    }

    /** A literal with incremental indexing and a new name, both strings Huffman-coded. */
    private static void literalWithIndexing(ByteArrayOutputStream to, String name, String value) {
        to.write(0x40);
        huffmanString(to, name);
        huffmanString(to, value);
    }

    private static void huffmanString(ByteArrayOutputStream to, String text) {
        byte[] plain = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer coded = ByteBuffer.allocate(Huffman.encodedLength(plain, 0, plain.length));
        Huffman.encode(plain, 0, plain.length, coded);
        if (coded.capacity() >= 127) {
            throw new IllegalArgumentException("a string this long needs a longer length: " + text);
        }
        to.write(0x80 | coded.capacity());
        to.write(coded.array(), 0, coded.capacity());
    }
}
