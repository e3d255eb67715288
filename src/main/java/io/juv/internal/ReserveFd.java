package io.juv.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A file descriptor held only so that it can be given back when the process has none left
 * (libuv's own "emfile trick" in src/unix/stream.c keeps one per loop the same way). Opened and
 * closed synchronously, on the calling thread: an open of the null device neither blocks nor
 * calls back.
 */
public final class ReserveFd {

    private static final String NULL_DEVICE = Platform.OS == Platform.Os.WINDOWS ? "NUL" : "/dev/null";

    private ReserveFd() {}

    /** A new descriptor on the null device, or a negative libuv code (EMFILE when none is left). */
    public static int open(long loop) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(Uv.reqSize(Uv.FS_REQ));
            int fd = Uv.fsOpen(loop, req.address(), arena.allocateFrom(NULL_DEVICE), Platform.OPEN_FLAGS.readOnly(), 0, 0);
            Uv.fsReqCleanup(req.address());
            return fd;
        }
    }

    /** Closes a descriptor {@link #open} gave; -1 is ignored. */
    public static void close(long loop, int fd) {
        if (fd < 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(Uv.reqSize(Uv.FS_REQ));
            Uv.fsClose(loop, req.address(), fd, 0);
            Uv.fsReqCleanup(req.address());
        }
    }
}
