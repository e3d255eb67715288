package io.juv.reliability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The order in which a test's callbacks ran, and how often each ran: Node's {@code mustCall}
 * with a journal. A callback registered with {@link #expect} must have been called exactly that
 * many times when {@link #assertAllCalled()} runs; every call is appended to one list, so a test
 * can assert that nothing came after a handle's close callback.
 */
final class EventLog {

    private final List<String> entries = new ArrayList<>();
    private final Map<String, int[]> expected = new HashMap<>();

    /** The callback {@code name} must run exactly {@code times} times in all. */
    void expect(String name, int times) {
        if (expected.putIfAbsent(name, new int[] {times, 0}) != null) throw new IllegalArgumentException("expected twice: " + name);
    }

    /** Records a call; a name that was expected counts towards its figure, one that was not is just logged. */
    void add(String name) {
        entries.add(name);
        int[] e = expected.get(name);
        if (e != null) e[1]++;
    }

    /** Records a call whose name carries its outcome ("w7 CANCELED") but counts as {@code name}. */
    void add(String name, String outcome) {
        entries.add(name + " " + outcome);
        int[] e = expected.get(name);
        if (e != null) e[1]++;
    }

    List<String> entries() {
        return entries;
    }

    int count(String prefix) {
        int n = 0;
        for (String s : entries) if (s.startsWith(prefix)) n++;
        return n;
    }

    int indexOf(String entry) {
        return entries.indexOf(entry);
    }

    void assertAllCalled() {
        expected.forEach((name, e) -> assertEquals(e[0], e[1],
                () -> "'" + name + "' ran " + e[1] + " times, must run " + e[0] + "; log: " + summary()));
    }

    /** {@code close} was logged exactly once and is the last entry of all those starting with any of {@code prefixes}. */
    void assertCloseLast(String close, String... prefixes) {
        int at = entries.indexOf(close);
        assertTrue(at >= 0, () -> "'" + close + "' never ran; log: " + summary());
        assertEquals(at, entries.lastIndexOf(close), () -> "'" + close + "' ran twice; log: " + summary());
        for (int i = at + 1; i < entries.size(); i++) {
            for (String p : prefixes) {
                if (entries.get(i).startsWith(p)) fail("'" + entries.get(i) + "' ran after '" + close + "'; log: " + summary());
            }
        }
    }

    /** The log, shortened in the middle when long. */
    String summary() {
        if (entries.size() <= 40) return entries.toString();
        return entries.subList(0, 20) + " ... (" + (entries.size() - 40) + " more) ... " + entries.subList(entries.size() - 20, entries.size());
    }
}
