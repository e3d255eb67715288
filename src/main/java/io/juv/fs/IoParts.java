package io.juv.fs;

import io.juv.ErrorKind;
import io.juv.UvException;
import io.juv.internal.Platform;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The caller's buffers of one read or write and how each reaches libuv. A buffer whose memory
 * could be freed while the thread pool works on it (any heap array, any arena a program may
 * close) is copied: into the request's own memory before a write, out of it on the loop's thread
 * after a read. Only segments whose memory lives as long as a reference to them is held (juv's
 * {@link Fs#buffer}, the global arena) go to libuv in place, the request holding that reference.
 */
final class IoParts {

    private final ByteBuffer[] buffers;
    private final MemorySegment[] views;
    private final boolean[] inPlace;
    private final long copied;
    final long total;

    private IoParts(ByteBuffer[] buffers, MemorySegment[] views) {
        this.buffers = buffers;
        this.views = views;
        this.inPlace = new boolean[views.length];
        long copy = 0, sum = 0;
        for (int i = 0; i < views.length; i++) {
            inPlace[i] = views[i].isNative() && Fs.outlivesItsUse(views[i]);
            if (!inPlace[i]) copy += views[i].byteSize();
            sum += views[i].byteSize();
        }
        this.copied = copy;
        this.total = sum;
    }

    static IoParts of(ByteBuffer[] buffers, boolean read) {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0) throw new IllegalArgumentException("juv: no buffers");
        MemorySegment[] views = new MemorySegment[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            ByteBuffer b = Objects.requireNonNull(buffers[i], "buffer");
            if (read && b.isReadOnly()) throw new IllegalArgumentException("juv: reading into a read-only buffer");
            MemorySegment view = MemorySegment.ofBuffer(b);
            checkAlive(view);
            views[i] = view;
        }
        return new IoParts(buffers.clone(), views);
    }

    static IoParts of(MemorySegment segment, boolean read) {
        Objects.requireNonNull(segment, "segment");
        if (read && segment.isReadOnly()) throw new IllegalArgumentException("juv: reading into a read-only segment");
        checkAlive(segment);
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException("juv: a segment confined to another thread");
        }
        return new IoParts(new ByteBuffer[1], new MemorySegment[] {segment});
    }

    private static void checkAlive(MemorySegment s) {
        if (!s.scope().isAlive()) throw new IllegalStateException("juv: a segment whose arena is closed");
    }

    int count() {
        return views.length;
    }

    /** Bytes the request carries after its uv_fs_t: the uv_buf_t array, then the copies. */
    long extraSize() {
        return views.length * Platform.BUF_SIZE + copied;
    }

    /** Fills the uv_buf_t array at extra; for a write, copies the bytes that do not go in place. */
    void fill(long extra, boolean write) {
        long data = extra + views.length * Platform.BUF_SIZE;
        for (int i = 0; i < views.length; i++) {
            long n = views[i].byteSize();
            long buf = extra + i * Platform.BUF_SIZE;
            if (inPlace[i]) {
                Platform.setBuf(buf, views[i].address(), n);
            } else {
                if (write) MemorySegment.copy(views[i], 0, Platform.segment(data, n), 0, n);
                Platform.setBuf(buf, data, n);
                data += n;
            }
        }
    }

    /** After a read of n bytes into the parts in order: copies them out and moves the buffers' positions. */
    void readDone(long extra, long n) {
        long data = extra + views.length * Platform.BUF_SIZE;
        long left = n;
        try {
            for (int i = 0; i < views.length && left > 0; i++) {
                long size = views[i].byteSize();
                long got = Math.min(size, left);
                if (!inPlace[i]) {
                    MemorySegment.copy(Platform.segment(data, got), 0, views[i], 0, got);
                    data += size;
                }
                left -= got;
            }
        } catch (IllegalStateException closed) {
            throw new UvException(0, "ESCOPECLOSED",
                    "the arena of the buffer read into was closed before the read was done", ErrorKind.OTHER);
        }
        advance(n);
    }

    /** Moves the buffers' positions past the n bytes the operation took or gave. */
    void advance(long n) {
        long left = n;
        for (int i = 0; i < views.length && left > 0; i++) {
            long got = Math.min(views[i].byteSize(), left);
            if (buffers[i] != null) buffers[i].position((int) Math.min(buffers[i].limit(), buffers[i].position() + got));
            left -= got;
        }
    }
}
