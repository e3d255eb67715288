package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.ThreadPool;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;

/** uv_random on libuv's thread pool: the bytes land in the request's own memory, copied out before it is freed. */
final class RandomRequest extends RequestBase {

    private final int n;
    private final CompletableFuture<byte[]> future;
    private byte[] bytes;

    private RandomRequest(LoopCore core, int n) {
        super(core, Type.RANDOM, n);
        this.n = n;
        this.future = core.newFuture();
    }

    static CompletableFuture<byte[]> start(LoopCore core, int n) {
        core.checkThread();
        core.checkOpen();
        ThreadPool.use();
        RandomRequest r = new RandomRequest(core, n);
        r.started(Uv.random(core.loop, r.request, r.extra(), n, Upcalls.RANDOM));
        return r.future;
    }

    @Override
    protected void beforeRelease(int status, long buf) {
        if (status >= 0) bytes = Platform.segment(extra(), n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    protected void onComplete(int status, long buf) {
        if (status < 0) future.completeExceptionally(Errors.of(status, "reading " + n + " random bytes"));
        else future.complete(bytes);
    }
}
