package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * h2spec-style cases written from RFC 9113: after the preface and an empty SETTINGS, a client
 * sends the frames given (hex; {@code GET1} stands for a GET on stream 1 that leaves the stream
 * open, {@code GET1E} for one that ends it) and the connection must answer exactly the frames
 * listed, after its SETTINGS, WINDOW_UPDATE and SETTINGS ACK. Each case is also fed cut in two
 * at every octet, and must be answered the same.
 */
class Http2ConformanceTest {

    /** HEADERS (END_HEADERS, END_STREAM when {@code end}) on stream 1: GET https://a.test/ */
    private static String get(int stream, boolean end) {
        return "000005 01 " + (end ? "05 " : "04 ") + String.format("%08x", stream) + " 82 87 84 01 00";
    }

    private static List<String> answer(String frames, int cut) {
        String hex = frames.replace("GET1E", get(1, true)).replace("GET1", get(1, false)).replace("GET3", get(3, false))
                .replace(" ", "");
        byte[] bytes = HexFormat.of().parseHex(hex);
        Http2ConnectionTest.Peer peer = new Http2ConnectionTest.Peer().hello().send();
        peer.replies();
        int at = Math.min(cut, bytes.length);
        peer.toServer.put(bytes, 0, at);
        peer.send();
        peer.toServer.put(bytes, at, bytes.length - at);
        peer.send();
        return peer.replies().stream().filter(f -> !f.startsWith("HEADERS")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // §5.1 stream states
        "DATA on half-closed (remote)|GET1E 000001 00 01 00000001 78|RST_STREAM 1 STREAM_CLOSED",
        "HEADERS on half-closed (remote)|GET1E 000001 01 05 00000001 82|RST_STREAM 1 STREAM_CLOSED",
        "trailers without END_STREAM|GET1 000001 01 04 00000001 82|RST_STREAM 1 PROTOCOL_ERROR",
        "RST_STREAM on an idle stream|000004 03 00 00000001 00000008|GOAWAY 0 PROTOCOL_ERROR",
        "WINDOW_UPDATE on an idle stream|000004 08 00 00000001 00000001|GOAWAY 0 PROTOCOL_ERROR",
        "DATA on an idle stream|000001 00 00 00000003 78|GOAWAY 0 PROTOCOL_ERROR",
        "a lower stream id never opened|GET3 GET1|GOAWAY 3 PROTOCOL_ERROR",
        "HEADERS on a stream that ended normally|GET1E|",
        "an even stream id|000005 01 05 00000002 8287840100|GOAWAY 0 PROTOCOL_ERROR",
        "WINDOW_UPDATE on a reset stream is ignored|GET1 000004 03 00 00000001 00000008 000004 08 00 00000001 00000001|",
        // §5.3.1 priority
        "HEADERS depending on itself|00000a 01 25 00000001 00000001 10 82 87 84 01 00|RST_STREAM 1 PROTOCOL_ERROR",
        "PRIORITY depending on itself|GET1 000005 02 00 00000001 0000000110|RST_STREAM 1 PROTOCOL_ERROR",
        "PRIORITY on an idle stream is fine|000005 02 00 00000009 0000000310|",
        // §5.5, §6.5 settings
        "an unknown frame type is ignored|000003 ff 00 00000000 616263 000008 06 00 00000000 0000000000000001|PING ACK 1",
        "an unknown setting is ignored|000006 04 00 00000000 00ff00000001|SETTINGS ACK",
        "SETTINGS_ENABLE_PUSH of 2|000006 04 00 00000000 000200000002|GOAWAY 0 PROTOCOL_ERROR",
        "SETTINGS_INITIAL_WINDOW_SIZE over 2^31-1|000006 04 00 00000000 000480000000|GOAWAY 0 FLOW_CONTROL_ERROR",
        "SETTINGS_MAX_FRAME_SIZE under 16384|000006 04 00 00000000 000500003fff|GOAWAY 0 PROTOCOL_ERROR",
        "SETTINGS_MAX_FRAME_SIZE over 2^24-1|000006 04 00 00000000 000501000000|GOAWAY 0 PROTOCOL_ERROR",
        // §6.9 flow control
        "a stream window over 2^31-1|GET1 000004 08 00 00000001 7fffffff|RST_STREAM 1 FLOW_CONTROL_ERROR",
        "the connection window over 2^31-1|000004 08 00 00000000 7fffffff|GOAWAY 0 FLOW_CONTROL_ERROR",
        "an initial window taking a stream over 2^31-1|GET1 000004 08 00 00000001 7fff0000 "
            + "000006 04 00 00000000 00047fffffff|GOAWAY 1 FLOW_CONTROL_ERROR",
        // §6.8, §8.4
        "PUSH_PROMISE from a client|GET1 000004 05 04 00000001 00000002|GOAWAY 1 PROTOCOL_ERROR",
        "a CONTINUATION with no block|000001 09 04 00000001 82|GOAWAY 0 PROTOCOL_ERROR",
        "a CONTINUATION on another stream|000001 01 00 00000001 82 000001 09 04 00000003 84|GOAWAY 0 PROTOCOL_ERROR",
        "a frame over SETTINGS_MAX_FRAME_SIZE|004001 00 00 00000001|GOAWAY 0 FRAME_SIZE_ERROR",
        "a SETTINGS ACK is not answered|000000 04 01 00000000|",
        // §4.3 HPACK
        "a header block HPACK refuses|000001 01 05 00000001 80|GOAWAY 1 COMPRESSION_ERROR",
    })
    void answersAsTheRfcSays(String name, String frames, String expected) {
        List<String> want = expected == null ? List.of() : List.of(expected.split(";"));
        List<String> whole = answer(frames, Integer.MAX_VALUE);
        assertEquals(want, whole, name);
        int length = frames.replace(" ", "").length() / 2 + 64;
        for (int cut = 0; cut < length; cut += 3) {
            assertEquals(whole, answer(frames, cut), name + ", cut at " + cut);
        }
    }
}
