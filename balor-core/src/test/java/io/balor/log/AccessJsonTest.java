package io.balor.log;

import io.balor.http.Method;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessJsonTest {

    @Test
    void aRecordIsOneLineOfJsonWithEveryField() {
        AccessRecord r = new AccessRecord();
        r.timeMillis = 1_795_000_000_007L;
        r.listener = "web";
        r.route = "a.example/api";
        r.pool = "app";
        r.upstream = "app/10.0.0.1:80";
        byte[] client = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(client, 0, r.client, 0, client.length);
        r.clientLength = client.length;
        r.method = Method.GET;
        byte[] path = "/a\"b\\c".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(path, 0, r.path, 0, path.length);
        r.pathLength = path.length;
        r.status = 200;
        r.bytesIn = 78;
        r.bytesOut = 1234;
        r.durationNanos = 1_234_567;
        r.upstreamNanos = 999;
        r.requestId = 0xabcL;
        StringBuilder out = new StringBuilder();
        AccessJson json = new AccessJson();
        json.write(r, out);
        assertEquals("{\"time\":\"2026-11-18T11:06:40.007Z\",\"listener\":\"web\",\"route\":\"a.example/api\","
                + "\"pool\":\"app\",\"upstream\":\"app/10.0.0.1:80\",\"client\":\"127.0.0.1\",\"method\":\"GET\","
                + "\"path\":\"/a\\\"b\\\\c\",\"status\":200,\"bytes_in\":78,\"bytes_out\":1234,\"duration_ms\":1.234,"
                + "\"upstream_ms\":0.000,\"request_id\":\"abc\",\"error\":null}", out.toString());
        r.timeMillis += 1_000;   // the next second: the cached prefix is formatted again
        r.upstreamNanos = -1;
        r.route = null;
        out.setLength(0);
        json.write(r, out);
        assertEquals(true, out.toString().startsWith("{\"time\":\"2026-11-18T11:06:41.007Z\",\"listener\":\"web\","
                + "\"route\":null,"), out.toString());
        assertEquals(true, out.toString().contains("\"upstream_ms\":null,"), out.toString());
        r.error = "upstream_tls: PKIX path building failed: \"x\"";
        out.setLength(0);
        json.write(r, out);
        assertEquals(true, out.toString().endsWith(",\"error\":\"upstream_tls: PKIX path building failed: \\\"x\\\"\"}"),
                out.toString());
    }
}
