package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HuffmanTest {

    @Test
    void codesAreAppendixBsRows() {
        // (symbol, code, length) rows of RFC 7541 Appendix B, spread over every length
        int[][] rows = {
            {0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {10, 0x3ffffffc, 30}, {' ', 0x14, 6}, {'!', 0x3f8, 10},
            {'0', 0x0, 5}, {'a', 0x3, 5}, {':', 0x5c, 7}, {'X', 0xfc, 8}, {'\\', 0x7fff0, 19},
            {'|', 0x7fc, 11}, {'~', 0x1ffd, 13}, {127, 0xffffffc, 28}, {128, 0xfffe6, 20},
            {153, 0x1fffdc, 21}, {199, 0x1ffffec, 25}, {200, 0x3ffffe2, 26}, {203, 0x7ffffde, 27},
            {255, 0x3ffffee, 26}, {256, 0x3fffffff, 30},
        };
        for (int[] row : rows) {
            assertEquals(row[1], Huffman.code(row[0]), "code of " + row[0]);
            assertEquals(row[2], Huffman.codeLength(row[0]), "length of " + row[0]);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // RFC 7541 C.4 and C.6
        "www.example.com|f1e3c2e5f23a6ba0ab90f4ff",
        "no-cache|a8eb10649cbf",
        "custom-key|25a849e95ba97d7f",
        "custom-value|25a849e95bb8e8b4bf",
        "302|6402",
        "307|640eff",
        "private|aec3771a4b",
        "Mon, 21 Oct 2013 20:13:21 GMT|d07abe941054d444a8200595040b8166e082a62d1bff",
        "https://www.example.com|9d29ad171863c78f0b97c8e9ae82ae43d3",
        "gzip|9bd9ab",
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1|"
            + "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
    })
    void encodesAndDecodesTheRfcExamples(String text, String hex) {
        byte[] plain = text.getBytes(StandardCharsets.US_ASCII);
        byte[] coded = HexFormat.of().parseHex(hex);
        assertEquals(coded.length, Huffman.encodedLength(plain, 0, plain.length));
        assertArrayEquals(coded, encode(plain));
        assertEquals(text, decode(coded));
    }

    @Test
    void everySymbolAndRandomStringsGoThereAndBack() {
        for (int symbol = 0; symbol < 256; symbol++) {
            byte[] one = {(byte) symbol};
            assertArrayEquals(one, decodeBytes(encode(one)), "symbol " + symbol);
        }
        Random random = new Random(7541);
        for (int i = 0; i < 2000; i++) {
            byte[] plain = new byte[random.nextInt(60)];
            random.nextBytes(plain);
            assertArrayEquals(plain, decodeBytes(encode(plain)), Arrays.toString(plain));
        }
    }

    @Test
    void refusesEosPaddingTooLongOrNotOnes() {
        // EOS's 30 ones then 2 of padding: EOS decoded
        assertEquals(Huffman.INVALID, decodeResult("ffffffff"));
        // 'a' (00011) then 11 ones of padding: more than 7 bits
        assertEquals(Huffman.INVALID, decodeResult("1fff"));
        // 'a' (00011) then padding 000: not the start of EOS
        assertEquals(Huffman.INVALID, decodeResult("18"));
        // 'a' then 110: padding with a zero
        assertEquals(Huffman.INVALID, decodeResult("1e"));
        // a whole octet of ones alone is padding of 8 bits
        assertEquals(Huffman.INVALID, decodeResult("ff"));
        // the fuzz crash golang's decoder once had: invalid, not a failure
        assertEquals(Huffman.INVALID, decodeResult("303091ffffffffc8"));
        // the empty string is valid, and so is 'a' with its 3 bits of padding
        assertEquals(0, decodeResult(""));
        assertEquals(1, decodeResult("1f"));
    }

    @Test
    void stopsAtTheLimitAndCountsWithoutADestination() {
        byte[] coded = HexFormat.of().parseHex("f1e3c2e5f23a6ba0ab90f4ff");   // www.example.com
        byte[] dst = new byte[20];
        assertEquals(Huffman.OVERFLOW, Huffman.decode(coded, 0, coded.length, dst, 5, 19));
        assertEquals(20, Huffman.decode(coded, 0, coded.length, dst, 5, 20));
        assertEquals(15, Huffman.decode(coded, 0, coded.length, null, 0, Integer.MAX_VALUE));
    }

    static byte[] encode(byte[] plain) {
        ByteBuffer out = ByteBuffer.allocate(Huffman.encodedLength(plain, 0, plain.length));
        Huffman.encode(plain, 0, plain.length, out);
        assertEquals(0, out.remaining(), "encodedLength is what encode writes");
        return out.array();
    }

    private static String decode(byte[] coded) {
        return new String(decodeBytes(coded), StandardCharsets.ISO_8859_1);
    }

    private static byte[] decodeBytes(byte[] coded) {
        byte[] dst = new byte[coded.length * 8 / 5 + 1];
        int end = Huffman.decode(coded, 0, coded.length, dst, 0, dst.length);
        return Arrays.copyOf(dst, end);
    }

    private static int decodeResult(String hex) {
        byte[] coded = HexFormat.of().parseHex(hex);
        return Huffman.decode(coded, 0, coded.length, new byte[64], 0, 64);
    }
}
