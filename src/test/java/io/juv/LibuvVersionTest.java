package io.juv;

import io.juv.internal.LibUv;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Says which libuv the suite runs against, so a log shows which side of every version gate was
 * tested; with {@code -Djuv.expect.libuv=1.50} (as {@code make test-newest} sets it) it fails
 * unless that version is the one loaded, not merely the one built.
 */
class LibuvVersionTest {

    @Test
    void theExpectedLibuvIsTheOneLoaded() {
        String version = EventLoop.libuvVersion();
        System.out.println("juv: testing against libuv " + version + " from " + LibUv.loadedFrom());
        String expected = System.getProperty("juv.expect.libuv");
        if (expected != null && !expected.isBlank()) {
            assertTrue(version.equals(expected) || version.startsWith(expected + "."),
                    "libuv " + expected + " expected, " + version + " loaded from " + LibUv.loadedFrom());
        }
    }
}
