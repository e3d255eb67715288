package io.juv.internal;

/**
 * A one-shot timer of juv's own in the loop's {@link TimerQueue}: nothing native, no table
 * entry, not counted among the program's handles, and it does not keep the loop alive (the
 * handle it bounds does). An {@link InternalTimer} is a libuv handle; this is the cheap kind,
 * for a deadline made per connection.
 */
public final class Deadline extends TimerQueue.Entry {

    private final Runnable onDue;

    /** Fires onDue once, delayMillis from now, unless cancelled first. */
    public Deadline(LoopCore core, long delayMillis, Runnable onDue) {
        super(core, 0, true);
        this.onDue = onDue;
        unref();
        start(delayMillis);
    }

    @Override
    protected void fire() {
        onDue.run();
    }

    /** It never fires; safe to call more than once, and from its own callback. */
    public void cancel() {
        close();
    }
}
