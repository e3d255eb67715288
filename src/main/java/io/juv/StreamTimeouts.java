package io.juv;

import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;
import io.juv.internal.Uv;

/**
 * A stream's read and write idle timeouts on one internal timer, made only for a stream that
 * asks for a timeout. Activity only records the loop's time (no timer restart per read, as
 * Netty's IdleStateHandler): when the timer fires it checks what is really due and sleeps again
 * for the rest.
 */
final class StreamTimeouts {

    private final LoopCore core;
    private final Stream stream;
    private final InternalTimer timer;
    private long readMillis;
    private long writeMillis;
    private long lastRead;
    private long lastWrite;

    StreamTimeouts(LoopCore core, Stream stream) {
        this.core = core;
        this.stream = stream;
        this.timer = new InternalTimer(core, this::fired);
    }

    private long now() {
        return Uv.now(core.loop);
    }

    void read(long millis) {
        readMillis = millis;
        lastRead = now();
        schedule();
    }

    void write(long millis) {
        writeMillis = millis;
        lastWrite = now();
        schedule();
    }

    void readActivity() {
        lastRead = now();
    }

    void readResumed() {
        lastRead = now();
        schedule();
    }

    void writeActivity() {
        lastWrite = now();
    }

    /** The queue went from empty to not: the write clock starts now. */
    void writeQueued() {
        lastWrite = now();
        schedule();
    }

    private boolean readArmed() {
        return readMillis > 0 && stream.isReading();
    }

    private boolean writeArmed() {
        return writeMillis > 0 && stream.queuedWrites() > 0;
    }

    private void schedule() {
        long due = Long.MAX_VALUE;
        if (readArmed()) due = lastRead + readMillis;
        if (writeArmed()) due = Math.min(due, lastWrite + writeMillis);
        if (due == Long.MAX_VALUE) timer.stop();
        else timer.start(Math.max(0, due - now()));
    }

    private void fired() {
        long now = now();
        if (readArmed() && now - lastRead >= readMillis) {
            stream.timedOut("read", readMillis);
        } else if (writeArmed() && now - lastWrite >= writeMillis) {
            stream.timedOut("write", writeMillis);
        } else {
            schedule();
        }
    }

    void close() {
        timer.close();
    }
}
