package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DynamicTableTest {

    private static void add(DynamicTable table, String name, String value) {
        byte[] field = (name + value).getBytes(StandardCharsets.US_ASCII);
        table.add(field, 0, name.length(), name.length(), value.length());
    }

    private static String entry(DynamicTable table, int index) {
        byte[] out = new byte[table.nameLength(index) + table.valueLength(index)];
        table.copyName(index, out, 0);
        table.copyValue(index, out, table.nameLength(index));
        return new String(out, 0, table.nameLength(index), StandardCharsets.US_ASCII) + "="
                + new String(out, table.nameLength(index), table.valueLength(index), StandardCharsets.US_ASCII);
    }

    @Test
    void evictsOldestFirstAndWrapsItsRing() {
        DynamicTable table = new DynamicTable(100);   // room for two 40-octet fields (8 + 32)
        for (int i = 0; i < 50; i++) {
            add(table, "n" + (i % 10), "va" + (char) ('a' + i % 26) + "x");   // 2 + 4 + 32 = 38
            assertEquals(Math.min(i + 1, 2), table.length());
            assertEquals(table.length() * 38, table.size());
            assertEquals("n" + (i % 10) + "=va" + (char) ('a' + i % 26) + "x", entry(table, 1));
            if (i > 0) {
                int before = i - 1;
                assertEquals("n" + (before % 10) + "=va" + (char) ('a' + before % 26) + "x", entry(table, 2));
            }
        }
    }

    @Test
    void anEntryLargerThanTheTableEmptiesIt() {
        DynamicTable table = new DynamicTable(64);
        add(table, "a", "b");
        add(table, "name", "a value longer than what sixty-four octets leave");
        assertEquals(0, table.length());
        assertEquals(0, table.size());
        add(table, "a", "b");
        assertEquals("a=b", entry(table, 1));
    }

    @Test
    void aSmallerMaximumEvictsAndZeroEmpties() {
        DynamicTable table = new DynamicTable(4096);
        add(table, "one", "1");
        add(table, "two", "2");
        table.setMaxSize(36);
        assertEquals(1, table.length());
        assertEquals("two=2", entry(table, 1));
        table.setMaxSize(0);
        assertEquals(0, table.length());
        table.setMaxSize(4096);
        add(table, "three", "3");
        assertEquals("three=3", entry(table, 1));
    }
}
