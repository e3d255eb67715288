package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.SignalDispositions;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.util.function.Consumer;

/**
 * A handler for one signal on one loop (cl-async's {@code signal-handler}), made by
 * {@link EventLoop#onSignal}. {@link #close()} frees it (cl-async's {@code free-signal-handler}).
 *
 * {@snippet :
 * SignalHandler reload = loop.onSignal(Signal.HUP, signal -> config.reload());
 * loop.onSignal(Signal.TERM, signal -> loop.exit());   // closes every handle, this one too
 * }
 *
 * <p>The callback runs on the loop's thread, not in the signal handler: any juv call is safe
 * there. An open handler keeps the loop alive ({@link #unref()} lets the loop end without it).
 * Every method must be called on the loop's thread.
 */
public final class SignalHandler extends HandleBase {

    private final Signal signal;
    private final Consumer<Signal> callback;

    SignalHandler(LoopCore core, Signal signal, Consumer<Signal> callback) {
        super(core, HandleKind.SIGNAL, Uv::signalInit);
        this.signal = signal;
        this.callback = callback;
        int rc = SignalDispositions.start(signal.number(), () -> Uv.signalStart(handle, Upcalls.SIGNAL, signal.number()));
        if (rc < 0) {
            closeNow();
            throw Errors.of(rc);
        }
    }

    /** {@return the signal this handler handles} */
    public Signal signal() {
        return signal;
    }

    @Override
    protected void onSignal(int signum) {
        callback.accept(signal);
    }

    @Override
    protected void beforeClose() {
        // Stop now, not in the close callback: the JVM's handler must be back at once.
        SignalDispositions.stop(signal.number(), () -> Uv.signalStop(handle));
    }

    /** Frees the handler; the signal's previous handler (the JVM's, say) is back once no juv handler is left. */
    public void close() {
        closeNow();
    }
}
