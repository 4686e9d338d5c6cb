package io.balor.admin.state;

import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The original Balor's {@code [name=]address [weight]} upstream form. */
class UpstreamTextTest {

    @Test
    void nameAddressAndWeight() {
        assertEquals(new UpstreamConfig("api", "http://10.0.0.2:8080", 5, true),
                UpstreamText.parse("api=http://10.0.0.2:8080 5").value());
    }

    @Test
    void nameAndWeightAreOptional() {
        assertEquals(UpstreamConfig.of("10.0.0.2:8080"), UpstreamText.parse("10.0.0.2:8080").value());
        assertEquals(UpstreamConfig.of("10.0.0.2:8080", 3), UpstreamText.parse(" 10.0.0.2:8080   3 ").value());
        assertEquals(new UpstreamConfig("db", "10.0.0.9:5432", 1, true),
                UpstreamText.parse("db=10.0.0.9:5432").value());
    }

    @Test
    void malformedTextIsExplained() {
        for (String text : new String[] {"", "   ", "a=", "=10.0.0.1:80", "10.0.0.1:80 x", "10.0.0.1:80 1 2"}) {
            UpstreamText.Parsed parsed = UpstreamText.parse(text);
            assertNull(parsed.value(), text);
            assertTrue(parsed.error().startsWith("'" + text + "' "), parsed.error());
            assertTrue(parsed.error().contains("[name=]address [weight]"), parsed.error());
        }
    }
}
