package io.juv;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test support: runs a loop and proves it ended clean. After run returns, no handle, request or
 * connection may be left; after close (which throws unless uv_loop_close returned 0), not one
 * byte of native memory.
 */
final class Loops {

    private Loops() {}

    /** Runs start on a new loop until it has nothing left to do, then checks it is clean and closes it. */
    static void run(Consumer<EventLoop> start) {
        EventLoop loop = EventLoop.create();
        try {
            loop.run(start);
            assertClean(loop);
        } finally {
            closeClean(loop);
        }
    }

    static void assertClean(EventLoop loop) {
        LoopStats s = loop.stats();
        assertEquals(0, s.openHandles(), () -> "handles left open: " + s.handles());
        assertEquals(0, s.pendingRequests(), "requests left pending");
        assertEquals(0, s.incomingTcp(), "incoming connections left");
        assertEquals(0, s.outgoingTcp(), "outgoing connections left");
    }

    /** Closes the loop (uv_loop_close must return 0, or close throws) and checks no native byte is left. */
    static void closeClean(EventLoop loop) {
        loop.close();
        assertTrue(loop.isClosed());
        assertEquals(0, loop.stats().nativeBytes(), "native memory left allocated");
    }
}
