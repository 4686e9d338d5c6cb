package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackDecoderTest {

    /** Collects what a block decodes to as "name: value" lines, "(never)" after a sensitive one. */
    static final class Fields implements HpackDecoder.FieldSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength,
                boolean sensitive) {
            lines.add(new String(bytes, nameFrom, nameLength, StandardCharsets.ISO_8859_1) + ": "
                    + new String(bytes, valueFrom, valueLength, StandardCharsets.ISO_8859_1)
                    + (sensitive ? " (never)" : ""));
        }
    }

    private static List<String> decode(HpackDecoder decoder, String hex) {
        byte[] block = HexFormat.of().parseHex(hex.replace(" ", ""));
        Fields fields = new Fields();
        assertEquals(HpackDecoder.OK, decoder.decode(block, 0, block.length, fields), decoder.problem());
        assertNull(decoder.problem());
        return fields.lines;
    }

    private static String refusal(HpackDecoder decoder, String hex) {
        byte[] block = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertEquals(HpackDecoder.COMPRESSION_ERROR, decoder.decode(block, 0, block.length, new Fields()));
        return decoder.problem();
    }

    @Test
    void theFourRepresentationsOfC2() {
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        assertEquals(List.of("custom-key: custom-header"),
                decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(55, decoder.tableSize());
        decoder = new HpackDecoder(4096, 16384);
        assertEquals(List.of(":path: /sample/path"), decode(decoder, "040c 2f73 616d 706c 652f 7061 7468"));
        assertEquals(0, decoder.tableLength());
        assertEquals(List.of("password: secret (never)"),
                decode(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        assertEquals(0, decoder.tableLength());
        assertEquals(List.of(":method: GET"), decode(decoder, "82"));
    }

    @Test
    void requestsWithoutAndWithHuffmanC3C4() {
        String[][] blocks = {
            {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
             "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"},
            {"8286 84be 5808 6e6f 2d63 6163 6865", "8286 84be 5886 a8eb 1064 9cbf"},
            {"8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
             "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"},
        };
        for (int coding = 0; coding < 2; coding++) {
            HpackDecoder decoder = new HpackDecoder(4096, 16384);
            assertEquals(List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"),
                    decode(decoder, blocks[0][coding]));
            assertEquals(57, decoder.tableSize());
            assertEquals(List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
                    "cache-control: no-cache"), decode(decoder, blocks[1][coding]));
            assertEquals(110, decoder.tableSize());
            assertEquals(List.of(":method: GET", ":scheme: https", ":path: /index.html",
                    ":authority: www.example.com", "custom-key: custom-value"), decode(decoder, blocks[2][coding]));
            assertEquals(164, decoder.tableSize());
            assertEquals(3, decoder.tableLength());
        }
    }

    @Test
    void responsesWithEvictionsC5C6() {
        String[][] blocks = {
            {"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
             "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"},
            {"4803 3330 37c1 c0bf", "4883 640e ffc1 c0bf"},
            {"88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
             "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                + "9587 3160 65c0 03ed 4ee5 b106 3d50 07"},
        };
        for (int coding = 0; coding < 2; coding++) {
            HpackDecoder decoder = new HpackDecoder(256, 16384);
            assertEquals(List.of(":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "location: https://www.example.com"), decode(decoder, blocks[0][coding]));
            assertEquals(222, decoder.tableSize());
            assertEquals(List.of(":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "location: https://www.example.com"), decode(decoder, blocks[1][coding]));
            assertEquals(222, decoder.tableSize());
            assertEquals(List.of(":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                    "location: https://www.example.com", "content-encoding: gzip",
                    "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
                    decode(decoder, blocks[2][coding]));
            assertEquals(215, decoder.tableSize());
            assertEquals(3, decoder.tableLength());
        }
    }

    @Test
    void refusesBadIndexesIntegersStringsAndSizeUpdates() {
        assertEquals("index 0", refusal(new HpackDecoder(4096, 16384), "80"));
        assertEquals("index 62 past both tables (61 entries)", refusal(new HpackDecoder(4096, 16384), "be"));
        // an integer past 2^31 - 1, and one with too many continuation octets
        assertEquals("an integer over 2^31 - 1", refusal(new HpackDecoder(4096, 16384), "ff ffff ffff 0f"));
        assertEquals("an integer over 2^31 - 1", refusal(new HpackDecoder(4096, 16384), "ff 8080 8080 8080 00"));
        // a literal name of 10 octets with 2 left; a value whose length is cut off
        assertEquals("a string literal of 10 octets with 2 left in the block",
                refusal(new HpackDecoder(4096, 16384), "400a 6375"));
        assertEquals("a string literal cut off", refusal(new HpackDecoder(4096, 16384), "4003 666f 6f"));
        assertEquals("an invalid Huffman-coded string", refusal(new HpackDecoder(4096, 16384), "4081 ff 00"));
        assertEquals("a dynamic table size update to 4097, above the 4096 allowed",
                refusal(new HpackDecoder(4096, 16384), "3fe2 1f"));
        assertEquals("a dynamic table size update after a field", refusal(new HpackDecoder(4096, 16384), "82 20"));
    }

    @Test
    void everyCutOfABlockIsRefusedOrWhole() {
        // C.4.1's request, then custom-key: custom-value as two Huffman-coded literals
        byte[] block = HexFormat.of().parseHex(("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"
                + "4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf").replace(" ", ""));
        List<Integer> boundaries = List.of(0, 1, 2, 3, 17);
        for (int cut = 0; cut < block.length; cut++) {
            HpackDecoder decoder = new HpackDecoder(4096, 16384);
            int result = decoder.decode(block, 0, cut, new Fields());
            assertEquals(boundaries.contains(cut) ? HpackDecoder.OK : HpackDecoder.COMPRESSION_ERROR, result,
                    "cut at " + cut);
        }
        assertEquals(5, decode(new HpackDecoder(4096, 16384), HexFormat.of().formatHex(block)).size());
    }

    @Test
    void sizeUpdatesAtTheStartEvictAndMayComeTwice() {
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertEquals(1, decoder.tableLength());
        // to 0 (emptied), then back to 4096, then a field: all in one block
        assertEquals(List.of(":method: GET"), decode(decoder, "20 3fe1 1f 82"));
        assertEquals(0, decoder.tableLength());
    }

    @Test
    void aListTooLargeIsDecodedToItsEndButNotHandedOver() {
        // limit 100: ":authority: www.example.com" is 57, a second one would be 114
        HpackDecoder decoder = new HpackDecoder(4096, 100);
        byte[] block = HexFormat.of().parseHex("41 0f 7777772e6578616d706c652e636f6d 41 0f 7777772e6578616d706c652e636f6d"
                .replace(" ", ""));
        Fields fields = new Fields();
        assertEquals(HpackDecoder.OK, decoder.decode(block, 0, block.length, fields));
        assertTrue(decoder.listTooLarge());
        assertEquals(List.of(":authority: www.example.com"), fields.lines);
        assertEquals(2, decoder.tableLength(), "the field past the limit is in the table all the same");
        // the next block is judged on its own, and sees both entries
        assertEquals(List.of(":authority: www.example.com"), decode(decoder, "be"));
        assertFalse(decoder.listTooLarge());
    }

    @Test
    void aFieldLargerThanEverythingEmptiesTheTableAndIsCounted() {
        HpackDecoder decoder = new HpackDecoder(64, 100);
        decode(decoder, "41 03 616263");   // :authority: abc, 45 octets in the table
        assertEquals(1, decoder.tableLength());
        StringBuilder hex = new StringBuilder("40 01 78 7f 81 01");   // x: 256 octets of 'y', indexed
        hex.append("79".repeat(256));
        byte[] block = HexFormat.of().parseHex(hex.toString().replace(" ", ""));
        Fields fields = new Fields();
        assertEquals(HpackDecoder.OK, decoder.decode(block, 0, block.length, fields));
        assertTrue(decoder.listTooLarge());
        assertEquals(List.of(), fields.lines);
        assertEquals(0, decoder.tableLength(), "an entry larger than the table empties it (RFC 7541 §4.4)");
    }
}
