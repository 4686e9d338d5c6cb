package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameReaderTest {

    /** SETTINGS, a padded HEADERS with priority, a padded DATA, WINDOW_UPDATE, PING, an unknown type. */
    private static final String STREAM = ""
            + "00000c 04 00 00000000 0003 00000064 0004 0000ffff"            // SETTINGS: 2 settings
            + "00000b 01 2d 00000001 02 80000003 10 8286 84 0000"            // HEADERS pad 2, priority, 3 octets
            + "000006 00 09 00000001 02 616263 0000"                          // DATA pad 2, "abc", END_STREAM
            + "000004 08 00 00000000 00001000"                                // WINDOW_UPDATE 4096 on the connection
            + "000008 06 00 00000000 0102030405060708"                        // PING
            + "000002 fa 00 00000001 ffff";                                   // an unknown type

    private static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** Reads every frame the octets hold, fed in two parts cut at {@code cut}; describes each. */
    private static List<String> read(byte[] all, int cut) {
        FrameReader reader = new FrameReader(Frames.DEFAULT_MAX_FRAME_SIZE);
        ByteBuffer in = ByteBuffer.allocate(all.length);
        List<String> frames = new ArrayList<>();
        for (int part = 0; part < 2; part++) {
            in.put(all, part == 0 ? 0 : cut, part == 0 ? cut : all.length - cut).flip();
            int result;
            while ((result = reader.next(in)) == FrameReader.FRAME) {
                byte[] payload = new byte[reader.payloadLength()];
                in.get(reader.payloadFrom(), payload);
                frames.add(reader.type() + "/" + reader.flags() + "/" + reader.streamId() + "/" + reader.length() + "/"
                        + HexFormat.of().formatHex(payload));
            }
            assertEquals(FrameReader.NEED_MORE, result);
            in.compact();
        }
        return frames;
    }

    @Test
    void framesSplitAnywhereReadTheSame() {
        byte[] all = bytes(STREAM).array();
        List<String> whole = read(all, all.length);
        assertEquals(List.of(
                "4/0/0/12/00030000006400040000ffff",
                "1/45/1/11/828684",
                "0/9/1/6/616263",
                "8/0/0/4/00001000",
                "6/0/0/8/0102030405060708",
                "250/0/1/2/ffff"), whole);
        for (int cut = 0; cut <= all.length; cut++) {
            assertEquals(whole, read(all, cut), "cut at " + cut);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // frame (hex) | result | error code | problem
        "004001 00 00 00000001|2|6|a frame of 16385 octets, over the 16384 allowed",
        "000000 00 00 00000000|2|1|DATA on stream 0",
        "000000 01 04 00000000|2|1|HEADERS on stream 0",
        "000002 00 08 00000001 0200|2|1|DATA with 2 octets of padding in 2",
        "000000 00 08 00000001|2|6|DATA padded with no pad length",
        "000004 01 24 00000001 00000000|2|6|HEADERS too short for its priority",
        "000004 02 00 00000001 00000000|3|6|PRIORITY of 4 octets",
        "000005 02 00 00000000 0000000000|2|1|PRIORITY on stream 0",
        "000003 03 00 00000001 000000|2|6|RST_STREAM of 3 octets, not 4",
        "000000 03 00 00000000|2|1|RST_STREAM on stream 0",
        "000006 04 00 00000001 000100000000|2|1|SETTINGS on stream 1",
        "000005 04 00 00000000 0001000000|2|6|SETTINGS of 5 octets",
        "000006 04 01 00000000 000100000000|2|6|a SETTINGS acknowledgement with a payload",
        "000007 06 00 00000000 00000000000000|2|6|PING of 7 octets, not 8",
        "000008 06 00 00000003 0000000000000000|2|1|PING on stream 3",
        "000007 07 00 00000000 00000000000000|2|6|GOAWAY of 7 octets",
        "000004 08 00 00000000 00000000|2|1|a connection window update of 0",
        "000004 08 00 00000005 80000000|3|1|a stream window update of 0",
        "000005 08 00 00000005 0000000100|2|6|WINDOW_UPDATE of 5 octets, not 4",
        "000000 09 04 00000000|2|1|CONTINUATION on stream 0",
    })
    void refusesWhatTheFrameAloneBreaks(String frame, int result, int code, String problem) {
        FrameReader reader = new FrameReader(Frames.DEFAULT_MAX_FRAME_SIZE);
        ByteBuffer in = ByteBuffer.allocate(Frames.DEFAULT_MAX_FRAME_SIZE + 64);
        in.put(bytes(frame)).flip();
        assertEquals(result, reader.next(in), problem);
        assertEquals(code, reader.errorCode());
        assertEquals(problem, reader.problem());
    }

    @Test
    void theReservedBitOfTheStreamIdIsIgnored() {
        FrameReader reader = new FrameReader(Frames.DEFAULT_MAX_FRAME_SIZE);
        ByteBuffer in = bytes("000000 00 01 80000007");
        assertEquals(FrameReader.FRAME, reader.next(in));
        assertEquals(7, reader.streamId());
    }

    @Test
    void writesWhatItReads() {
        ByteBuffer out = ByteBuffer.allocate(128);
        Frames.settings(out, Frames.SETTINGS_MAX_CONCURRENT_STREAMS, 100, Frames.SETTINGS_INITIAL_WINDOW_SIZE, 65535);
        Frames.settingsAck(out);
        Frames.ping(out, true, 0x0102030405060708L);
        Frames.goAway(out, 7, Frames.ENHANCE_YOUR_CALM);
        Frames.rstStream(out, 5, Frames.CANCEL);
        Frames.windowUpdate(out, 0, 4096);
        assertEquals(""
                + "00000c0400000000000003000000640004" + "0000ffff"
                + "000000040100000000"
                + "00000806010000000001020304050607" + "08"
                + "000008070000000000" + "000000070000000b"
                + "000004030000000005" + "00000008"
                + "000004080000000000" + "00001000",
                HexFormat.of().formatHex(out.array(), 0, out.position()));
    }
}
