package io.juv.internal;

import java.lang.foreign.MemorySegment;

/**
 * A libuv request (write, connect, shutdown, address lookup) on the Java side.
 *
 * <p>One allocation holds the uv_*_t and any bytes the request carries (a write's uv_buf_t
 * and data). It is freed in the completion callback, or at once if libuv refused to start it.
 */
public abstract class RequestBase {

    public enum Type {
        WRITE(Uv.WRITE_REQ), CONNECT(Uv.CONNECT_REQ), SHUTDOWN(Uv.SHUTDOWN_REQ), GETADDRINFO(Uv.GETADDRINFO_REQ),
        GETNAMEINFO(Uv.GETNAMEINFO_REQ), UDP_SEND(Uv.UDP_SEND_REQ), FS(Uv.FS_REQ), RANDOM(Uv.RANDOM_REQ);

        /** sizeof the uv_*_t, asked of libuv. */
        final long size;

        Type(int uvType) {
            size = Uv.reqSize(uvType);
        }
    }

    protected final LoopCore core;
    /** The uv_*_t's address; {@code extra} bytes follow it. */
    protected final long request;
    private final long requestSize;
    private final long extraSize;
    private final int slot;
    private boolean released;

    protected RequestBase(LoopCore core, Type type, long extra) {
        core.checkThread();
        core.checkOpen();
        this.core = core;
        this.requestSize = type.size;
        this.extraSize = extra;
        this.request = core.allocate(type.size + extra);
        this.slot = core.register(this);
        Uv.reqData(request, core.keyOf(slot));
        core.requestStarted();
    }

    /**
     * Zeroes the uv_*_t but its data slot (its first field on every platform, see
     * {@link Platform#dataOf}), for a request whose cleanup reads its pointers even when libuv
     * refused it before filling them in.
     */
    protected final void zeroRequest() {
        Platform.segment(request + 8, requestSize - 8).fill((byte) 0);
    }

    /** The address of the bytes after the uv_*_t. */
    protected final long extra() {
        return request + requestSize;
    }

    /** The bytes after the uv_*_t, as a segment. */
    protected final MemorySegment extraSegment() {
        return Platform.segment(extra(), extraSize);
    }

    /** Checks libuv's answer to starting the request; if it refused, frees it and throws. */
    protected final void started(int rc) {
        if (rc < 0) {
            release();
            throw Errors.of(rc);
        }
    }

    /** Frees a request that was never handed to libuv (its start failed in Java, before the call). */
    protected final void abandon() {
        release();
    }

    private void release() {
        if (released) return;
        released = true;
        core.unregister(slot);
        try {
            beforeFree();
        } finally {
            core.free(request, requestSize + extraSize);
        }
        core.requestFinished();
    }

    /** From the completion callback: memory first, so the user's callback may start new requests. */
    final void completed(int status, long result) {
        try {
            beforeRelease(status, result);
        } finally {
            release();
        }
        onComplete(status, result);
    }

    /**
     * The last thing before the memory is freed, whether libuv ran the request or refused it:
     * where a request gives back what libuv allocated for it (uv_fs_req_cleanup).
     */
    protected void beforeFree() {}

    /** Reads what the result keeps in the request's own memory (a reverse lookup's name) while it exists. */
    protected void beforeRelease(int status, long result) {}

    /**
     * status is 0 or a negative libuv code; result is the address of a lookup's addrinfo list, or
     * of a reverse lookup's host name (inside the request: read it before returning), else 0.
     */
    protected abstract void onComplete(int status, long result);
}
