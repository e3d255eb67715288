package io.juv;

import io.juv.internal.LoopCore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Stream#inputStream}: the loop thread copies each read in ({@link #offer}); another thread
 * takes it out. Backpressure: at {@code capacity} bytes buffered the stream is paused, and it is
 * resumed (through {@link EventLoop#execute}) once the reader has taken it down to half.
 */
final class BlockingInput extends InputStream {

    private final Stream stream;
    private final LoopCore core;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private long buffered;
    private boolean ended;
    private IOException failure;
    private boolean pausedForUs;
    private boolean closed;

    BlockingInput(Stream stream, LoopCore core, int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.stream = stream;
        this.core = core;
        this.capacity = capacity;
    }

    // ------------------------------------------------------------------ the loop thread

    void offer(ByteBuffer view) {
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        lock.lock();
        try {
            if (closed) return;
            chunks.add(copy);
            buffered += copy.length;
            changed.signalAll();
            if (buffered >= capacity && !pausedForUs) {
                pausedForUs = true;
                stream.pause();
            }
        } finally {
            lock.unlock();
        }
    }

    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream broke or closed: a reader gets what is buffered, then this (unless it had ended cleanly). */
    void fail(UvException e) {
        lock.lock();
        try {
            if (!ended && failure == null) failure = new IOException(e.getMessage(), e);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the reader's thread

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) return 0;
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && failure == null && !closed) {
                if (core.inLoopThread()) {
                    throw new IllegalStateException("juv: a blocking read on the loop thread would stop the loop; read from another thread");
                }
                changed.awaitUninterruptibly();
            }
            if (closed) throw new IOException("juv: the input stream is closed");
            if (chunks.isEmpty()) {
                if (failure != null) throw failure;
                return -1;
            }
            int n = 0;
            while (n < length && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int take = Math.min(length - n, head.length - headOffset);
                System.arraycopy(head, headOffset, into, offset + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length) {
                    chunks.poll();
                    headOffset = 0;
                }
            }
            buffered -= n;
            if (pausedForUs && buffered <= capacity / 2) {
                pausedForUs = false;
                onLoop(() -> { if (!stream.isClosed()) stream.resume(); });
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered; the stream itself stays open (close it on the loop). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            buffered = 0;
            changed.signalAll();
            if (pausedForUs) {
                pausedForUs = false;
                onLoop(() -> { if (!stream.isClosed()) stream.resume(); });
            }
        } finally {
            lock.unlock();
        }
    }

    private void onLoop(Runnable r) {
        try {
            core.execute(r);
        } catch (RejectedExecutionException loopClosed) {
            // Nothing left to resume.
        }
    }
}
