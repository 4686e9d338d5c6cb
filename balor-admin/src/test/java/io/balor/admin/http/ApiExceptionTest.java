package io.balor.admin.http;

import io.balor.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The JSON of refusals, and download names. */
class ApiExceptionTest {

    @Test
    void aRefusedConfigListsEveryProblem() {
        ApiException e = ApiException.invalid(400, List.of(new ConfigProblem("listeners[0].port", "must be 1..65535"),
                new ConfigProblem("pools[1].name", "is required")), "fix them");
        ApiResponse response = ApiResponse.error(e);
        assertEquals(400, response.status());
        assertEquals("{\"error\":\"must be 1..65535\",\"hint\":\"fix them\",\"field\":\"listeners[0].port\","
                + "\"problems\":[{\"field\":\"listeners[0].port\",\"error\":\"must be 1..65535\"},"
                + "{\"field\":\"pools[1].name\",\"error\":\"is required\"}]}", response.bodyText());
        assertEquals("invalid listeners[0].port, pools[1].name", response.auditDetail(), "fields only: a message may quote the body");
        assertThrows(IllegalArgumentException.class, () -> ApiException.invalid(400, List.of(), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ApiException.invalid(500, List.of(new ConfigProblem("a", "b")), "x"));
    }

    @Test
    void withFieldKeepsStatusAndHeaders() {
        ApiException e = ApiException.unauthorized("authentication required", "log in").withField("token");
        ApiResponse response = ApiResponse.error(e);
        assertEquals(401, response.status());
        assertEquals("{\"error\":\"authentication required\",\"hint\":\"log in\",\"field\":\"token\"}",
                response.bodyText());
        assertEquals("Bearer realm=\"balor\"", response.headers().get("WWW-Authenticate"));
        assertThrows(IllegalArgumentException.class, () -> new ApiException(200, "x", "y", null));
        assertThrows(IllegalArgumentException.class, () -> ApiException.tooManyRequests(-1));
    }

    @Test
    void downloadNamesAreMadeSafe() {
        assertEquals("app.log", ApiResponse.safeFilename("app.log"));
        assertEquals("_etc_passwd", ApiResponse.safeFilename("../etc/passwd"));
        assertEquals("a___b.txt", ApiResponse.safeFilename("a\"\r\nb.txt"));
        assertEquals("download", ApiResponse.safeFilename("..."));
        assertEquals("caf_.log", ApiResponse.safeFilename("café.log"));
        assertEquals(100, ApiResponse.safeFilename("x".repeat(500)).length());
    }
}
