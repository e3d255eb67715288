package io.juv;

import io.juv.internal.LoopCore;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Stream#outputStream}: each write is copied and handed to the loop with
 * {@link EventLoop#execute}; the writer blocks while more than the stream's high water mark is
 * on its way (handed over and not yet taken by the kernel), so a slow peer slows the writer.
 */
final class BlockingOutput extends OutputStream {

    private final Stream stream;
    private final LoopCore core;
    private final long limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long inFlight;
    private IOException failure;
    private boolean closed;
    private boolean streamClosed;

    BlockingOutput(Stream stream, LoopCore core) {
        this.stream = stream;
        this.core = core;
        this.limit = Math.max(1, stream.highWaterMark());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        refuseLoopThread();
        byte[] copy = Arrays.copyOfRange(data, offset, offset + length);
        lock.lock();
        try {
            while (inFlight > limit && usable()) changed.awaitUninterruptibly();
            check();
            inFlight += length;
        } finally {
            lock.unlock();
        }
        onLoop(() -> stream.write(copy, (s, error) -> done(copy.length, error)));
    }

    private void done(int length, UvException error) {
        lock.lock();
        try {
            inFlight -= length;
            if (error != null && failure == null) failure = new IOException(error.getMessage(), error);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the kernel has everything written so far. */
    @Override
    public void flush() throws IOException {
        refuseLoopThread();
        lock.lock();
        try {
            while (inFlight > 0 && usable()) changed.awaitUninterruptibly();
            if (failure != null) throw failure;
            if (inFlight > 0) throw new IOException("juv: the stream closed before everything was written");
        } finally {
            lock.unlock();
        }
    }

    /** Flushes, then ends the stream's write side ({@link Stream#shutdown()}). */
    @Override
    public void close() throws IOException {
        if (closed) return;
        flush();
        closed = true;
        onLoop(stream::shutdown);
    }

    /** From the stream's close, on the loop thread. */
    void closed() {
        lock.lock();
        try {
            streamClosed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean usable() {
        return failure == null && !streamClosed;
    }

    private void check() throws IOException {
        if (closed) throw new IOException("juv: the output stream is closed");
        if (failure != null) throw failure;
        if (streamClosed) throw new IOException("juv: the stream is closed");
    }

    private void refuseLoopThread() {
        if (core.inLoopThread()) {
            throw new IllegalStateException("juv: a blocking write on the loop thread would stop the loop; use Stream.write there");
        }
    }

    private void onLoop(Runnable r) throws IOException {
        try {
            core.execute(r); // a write to a closed stream calls back with SOCKET_CLOSED: no check here
        } catch (RejectedExecutionException e) {
            throw new IOException("juv: the event loop is closed", e);
        }
    }
}
