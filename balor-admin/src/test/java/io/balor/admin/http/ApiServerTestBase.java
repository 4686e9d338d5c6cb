package io.balor.admin.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the server tests share: the sample routes served by a fresh {@link ApiTestServer} per test. */
abstract class ApiServerTestBase {

    final SampleRoutes sample = new SampleRoutes();
    ApiTestServer api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiTestServer(sample.routes(), this::options);
    }

    /** The server's options, from the test server's defaults (a test class may change some). */
    ApiOptions options(ApiOptions defaults) {
        return defaults;
    }

    @AfterEach
    void stop() {
        api.close();
    }
}
