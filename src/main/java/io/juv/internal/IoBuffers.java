package io.juv.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A loop's two I/O buffers: the one libuv reads into, handed to user code as a read view during
 * the read callback, and the scratch buffer heap bytes are try-written from.
 *
 * <p>Both live in an arena confined to the loop's thread and closed with the loop, so the rule of
 * memory safety holds for the view user code sees: it is read-only, and once the loop is closed
 * every access to it throws {@link IllegalStateException} instead of reading freed memory.
 */
final class IoBuffers {

    /** Bytes libuv may read into at once, and juv may try-write from its scratch buffer at once. */
    static final int SIZE = 64 * 1024;
    /** What the buffers cost, for the loop's native-memory account. */
    static final long BYTES = SIZE + Platform.BUF_SIZE + SIZE + Platform.SOCKADDR_STORAGE;

    private final Arena arena = Arena.ofConfined();
    /** libuv reads into this. */
    final long readAddress;
    /** The read buffer as a segment, for writing a read view back without a segment per write; juv's only. */
    final MemorySegment readSegment;
    private final ByteBuffer readView;
    /** A uv_buf_t followed by {@link #SIZE} bytes, for uv_try_write. */
    private final long writeScratch;
    private final MemorySegment writeData;
    /** A sockaddr_storage for a datagram's destination, read by libuv only during the call it is passed to. */
    final long sockaddr;

    IoBuffers() {
        MemorySegment read = arena.allocate(SIZE, 16);
        readAddress = read.address();
        readSegment = read;
        readView = read.asByteBuffer().asReadOnlyBuffer();
        MemorySegment scratch = arena.allocate(Platform.BUF_SIZE + SIZE, 16);
        writeScratch = scratch.address();
        writeData = scratch.asSlice(Platform.BUF_SIZE);
        sockaddr = arena.allocate(Platform.SOCKADDR_STORAGE, 16).address();
    }

    /** The read buffer holding the n bytes just read, read-only; the same object every time. */
    ByteBuffer readView(int n) {
        return readView.clear().limit(n);
    }

    boolean isReadView(ByteBuffer b) {
        return b == readView;
    }

    /**
     * Tries to write n bytes from offset at once (n at most {@link #SIZE}), without a request or a
     * callback: native bytes from where they are, heap bytes through the scratch buffer. Returns
     * the count the kernel took (0 when it would block), or a negative libuv code.
     */
    int tryWrite(long stream, MemorySegment bytes, long offset, long n) {
        if (bytes.isNative()) {
            // The kernel copies during uv_try_write: native bytes can be handed over where they are.
            Platform.setBuf(writeScratch, bytes.address() + offset, n);
        } else {
            MemorySegment.copy(bytes, offset, writeData, 0, n);
            Platform.setBuf(writeScratch, writeData.address(), n);
        }
        int rc = Uv.tryWrite(stream, writeScratch, 1);
        return rc < 0 && Errors.isAgain(rc) ? 0 : rc;
    }

    /**
     * Tries to send one datagram at once (uv_udp_try_send), heap bytes through the scratch buffer:
     * 0 when it went, 1 when it would block (libuv also says so while sends are queued, which
     * keeps datagrams in order), or a negative libuv code.
     */
    int trySend(long udp, MemorySegment bytes, long addr) {
        long n = bytes.byteSize();
        if (bytes.isNative()) {
            Platform.setBuf(writeScratch, bytes.address(), n);
        } else {
            MemorySegment.copy(bytes, 0, writeData, 0, n);
            Platform.setBuf(writeScratch, writeData.address(), n);
        }
        int rc = Uv.udpTrySend(udp, writeScratch, 1, addr);
        return rc >= 0 ? 0 : Errors.isAgain(rc) ? 1 : rc;
    }

    /** Frees both buffers; a read view kept by user code throws from now on. */
    void close() {
        arena.close();
    }
}
