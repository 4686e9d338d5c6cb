package io.balor.admin.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MigrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode sample() throws Exception {
        try (InputStream in = MigrationTest.class.getResourceAsStream("/original/sample-state.json")) {
            return JSON.readTree(in);
        }
    }

    @Test
    void theSampleMigrates() throws Exception {
        Migration.Result result = Migration.migrate(sample(), Path.of("/srv/old"), Path.of("/srv/old/data/balor_state.json"));
        result.report().lines().forEach(System.out::println);
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.document()));
        BalorState state = StateDocument.fromJson(result.document(), Path.of("/srv/old/data/balor_state.json"));
        assertEquals(3, state.config().listeners().size());
    }
}
