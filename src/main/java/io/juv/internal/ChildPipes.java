package io.juv.internal;

import io.juv.StreamHandler;
import io.juv.net.Pipe;

/**
 * The route from {@code io.juv.process} into a {@link Pipe} made for a child's stdio, which is no
 * public API: the pipe's libuv handle goes into a uv_stdio_container_t, and once uv_spawn has
 * opened it (the parent's end of a socket pair) it becomes a stream like any other. Pipe installs
 * the one implementation when its class is initialised (the JDK's SharedSecrets pattern).
 */
public final class ChildPipes {

    public interface Access {
        /** A pipe with no descriptor yet, for UV_CREATE_PIPE. */
        Pipe create(LoopCore core, StreamHandler<? super Pipe> handler);
        /** The uv_pipe_t's address, for the stdio container. */
        long handle(Pipe pipe);
        /** uv_spawn opened the pipe: reading starts and the handler's onConnect runs. */
        void opened(Pipe pipe);
    }

    private static volatile Access access;

    private ChildPipes() {}

    public static void install(Access a) {
        access = a;
    }

    public static Access access() {
        Access a = access;
        if (a != null) return a;
        try {
            Class.forName(Pipe.class.getName(), true, Pipe.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return access;
    }
}
