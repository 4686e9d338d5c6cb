package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonLineTest {

    @Test
    void readsWhatPythonsJsonDumpsWrites() {
        Map<String, Object> json = JsonLine.object("{\"case\": \"unary\", \"messages\": [\"a\\\"b\", \"\\u00e9\\n\"],"
                + " \"trailers\": {}, \"n\": -1.5e2, \"ok\": true, \"no\": false, \"none\": null, \"empty\": []}");
        assertEquals(List.of("case", "messages", "trailers", "n", "ok", "no", "none", "empty"), List.copyOf(json.keySet()));
        assertEquals("unary", json.get("case"));
        assertEquals(Arrays.asList("a\"b", "\u00e9\n"), json.get("messages"));
        assertEquals(Map.of(), json.get("trailers"));
        assertEquals(-150.0, json.get("n"));
        assertEquals(Boolean.TRUE, json.get("ok"));
        assertEquals(Boolean.FALSE, json.get("no"));
        assertEquals(null, json.get("none"));
        assertEquals(List.of(), json.get("empty"));
    }

    @Test
    void refusesWhatIsNotOneDocument() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "\"open", "{} {}", "nope", "[1] x"}) {
            assertThrows(IllegalArgumentException.class, () -> JsonLine.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> JsonLine.object("[1]"));
    }
}
