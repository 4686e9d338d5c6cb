package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackEncoderTest {

    private static void field(HpackEncoder encoder, String name, String value, boolean sensitive, ByteBuffer out) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        encoder.field(n, 0, n.length, v, 0, v.length, sensitive, out);
    }

    private static String hex(ByteBuffer out) {
        return HexFormat.of().formatHex(out.array(), 0, out.position());
    }

    @Test
    void staticHitsAreOneOctetAndTheFirstBlockSaysItUsesNoTable() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(64);
        encoder.startBlock(out);
        field(encoder, ":status", "200", false, out);
        assertEquals("2088", hex(out));
        out.clear();
        encoder.startBlock(out);
        field(encoder, ":status", "404", false, out);
        assertEquals("8d", hex(out), "no size update after the first block");
        out.clear();
        encoder.peerTableSizeChanged();
        encoder.startBlock(out);
        assertEquals("20", hex(out));
        out.clear();
        encoder.abandonBlock();   // that block was not sent: the next one carries the update
        encoder.startBlock(out);
        assertEquals("20", hex(out));
    }

    @Test
    void namesFromTheStaticTableValuesAsTheyAre() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(64);
        field(encoder, "cache-control", "private", false, out);
        // literal without indexing, name index 24 (0f 09), the value raw (07 "private"): never Huffman-coded
        assertEquals("0f090770726976617465", hex(out));
        out.clear();
        field(encoder, "x", "\u0001", false, out);
        // a new name; both strings raw
        assertEquals("0001780101", hex(out));
    }

    /**
     * The static table's lookup, which compares a name only with the names as long as it, finds
     * every entry whole, and for another value of a name the first entry of that name.
     */
    @Test
    void everyStaticEntryIsFoundWholeAndByItsName() {
        byte[] other = "no-such-value".getBytes(StandardCharsets.US_ASCII);
        for (int i = 1; i <= StaticTable.LENGTH; i++) {
            byte[] name = StaticTable.name(i);
            byte[] value = StaticTable.value(i);
            assertEquals(i, StaticTable.find(name, 0, name.length, value, 0, value.length), "entry " + i);
            int first = i;
            while (first > 1 && java.util.Arrays.equals(StaticTable.name(first - 1), name)) {
                first--;
            }
            assertEquals(-first, StaticTable.find(name, 0, name.length, other, 0, other.length), "name of entry " + i);
        }
        byte[] unknown = "x-unknown".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, StaticTable.find(unknown, 0, unknown.length, other, 0, other.length));
        byte[] longName = "x".repeat(40).getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, StaticTable.find(longName, 0, longName.length, other, 0, other.length));
    }

    @Test
    void sensitiveFieldsAreNeverIndexedEvenWhenTheTableHasThem() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(64);
        field(encoder, ":method", "GET", true, out);
        // never indexed (0x10) with name index 2; "GET" raw, as Huffman saves nothing
        assertEquals("1203474554", hex(out));
        out.clear();
        field(encoder, "authorization", "secret", true, out);
        // never indexed with name index 23 (1f 08), "secret" raw
        assertEquals("1f0806736563726574", hex(out));
    }

    @Test
    void whatItWritesOurDecoderReadsBack() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(1024);
        encoder.startBlock(out);
        String[][] fields = {
            {":status", "200"}, {"content-type", "application/grpc"}, {"grpc-status", "0"},
            {"set-cookie", "id=a1b2; Path=/; HttpOnly"}, {"x-long", "v".repeat(300)},
        };
        for (String[] f : fields) {
            field(encoder, f[0], f[1], f[0].equals("set-cookie"), out);
        }
        HpackDecoderTest.Fields decoded = new HpackDecoderTest.Fields();
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        assertEquals(HpackDecoder.OK, decoder.decode(out.array(), 0, out.position(), decoded), decoder.problem());
        assertEquals(List.of(":status: 200", "content-type: application/grpc", "grpc-status: 0",
                "set-cookie: id=a1b2; Path=/; HttpOnly (never)", "x-long: " + "v".repeat(300)), decoded.lines);
        assertEquals(0, decoder.tableLength());
    }

    @Test
    void integersOfEveryPrefixLength() {
        // RFC 7541 C.1: 10 with a 5-bit prefix, 1337 with a 5-bit prefix, 42 with an 8-bit prefix
        ByteBuffer out = ByteBuffer.allocate(8);
        HpackEncoder.writeInt(0, 5, 10, out);
        HpackEncoder.writeInt(0, 5, 1337, out);
        HpackEncoder.writeInt(0, 8, 42, out);
        assertEquals("0a1f9a0a2a", hex(out));
    }
}
