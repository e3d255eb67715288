package io.juv.fs;

import io.juv.internal.LoopCore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The close of an open file or directory: from the first close() on, new operations are refused;
 * the descriptor itself closes once the operations already under way are done, so none of them
 * can reach a descriptor number the system has handed out again. Every caller of close() hears of
 * the one close. Loop thread only.
 */
final class DeferredClose {

    private final LoopCore core;
    /** Starts the close request (uv_fs_close, uv_fs_closedir), which reports to the callback. */
    private final Consumer<FsCallback<Void>> closeNative;
    private int pending;
    private boolean closing;
    private boolean started;
    private boolean done;
    private List<FsCallback<Void>> callbacks;
    private CompletableFuture<Void> future;

    DeferredClose(LoopCore core, Consumer<FsCallback<Void>> closeNative) {
        this.core = core;
        this.closeNative = closeNative;
    }

    /** True once close() was called. */
    boolean isClosing() {
        return closing;
    }

    /** An operation starts: the descriptor stays open until its {@link #operationDone()}. */
    void operationStarted() {
        pending++;
    }

    void operationDone() {
        pending--;
        if (pending == 0 && closing && !started) start();
    }

    /** The future form: later calls give the same future. */
    CompletableFuture<Void> close() {
        core.checkThread();
        if (future == null) {
            future = core.newFuture();
            close((v, e) -> {
                if (e != null) future.completeExceptionally(e);
                else future.complete(null);
            });
        }
        return future;
    }

    void close(FsCallback<Void> callback) {
        Objects.requireNonNull(callback, "callback");
        core.checkThread();
        if (done) {
            callback.done(null, null); // closed already: nothing is left to wait for
            return;
        }
        if (callbacks == null) callbacks = new ArrayList<>();
        callbacks.add(callback);
        if (closing) return; // already on its way: this callback hears with the first
        closing = true;
        if (pending == 0) start();
    }

    private void start() {
        started = true;
        closeNative.accept((v, e) -> {
            List<FsCallback<Void>> each = callbacks;
            callbacks = null;
            done = true;
            for (FsCallback<Void> cb : each) core.guard(() -> cb.done(null, e));
        });
    }
}
