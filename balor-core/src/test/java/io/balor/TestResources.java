package io.balor;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (Balor, servers, sockets), closed in reverse order after it. */
@SuppressWarnings("try")   // close() may throw InterruptedException: tests just fail then
final class TestResources implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
