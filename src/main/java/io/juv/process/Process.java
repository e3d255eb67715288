package io.juv.process;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Signal;
import io.juv.StreamHandler;
import io.juv.StreamServer;
import io.juv.UvException;
import io.juv.internal.ChildPipes;
import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.Spawning;
import io.juv.internal.Uv;
import io.juv.net.Pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A child process, spawned by libuv ({@code uv_spawn}) and watched by the loop until it exits.
 *
 * <pre>{@code
 * Process ls = loop.spawn(ProcessOptions.builder("ls", "-l", "/")
 *         .stdout(Stdio.pipe((pipe, data) -> System.out.print(StandardCharsets.UTF_8.decode(data))))
 *         .build(), (p, exit) -> System.out.println(exit));
 * }</pre>
 *
 * <p><b>Failure.</b> A program that is not there, or a working directory that is not, fails the
 * spawn with a {@link UvException} of kind {@link io.juv.ErrorKind#NOT_FOUND} (a uid or gid this
 * process may not take: {@link io.juv.ErrorKind#PERMISSION_DENIED}), and nothing stays open: the
 * process handle and every pipe made for it are closed by the next loop turn.
 *
 * <p><b>Exit and stdio: the order.</b> libuv learns of the exit from SIGCHLD and of a pipe's end
 * from its socket: two events with no order between them, so the exit callback may run before the
 * last of the child's output has been read, or after (and a grandchild that inherited a pipe keeps
 * it open after the child is gone). juv guarantees only this: the {@link ExitHandler} and
 * {@link #exited()} see the exit once; {@link #finished()} completes after the exit <em>and</em>
 * every stdio pipe's onClose, so when it does, all the output has been delivered.
 *
 * <p><b>Closing.</b> The process handle closes by itself after the exit callback (the child is
 * reaped; its pid may be another process's from then on, so {@link #kill} refuses). The pipes end
 * on their own when the child's side closes; {@link #close()} closes them and the handle at once.
 * Closed before the exit, the child is not killed: juv stops watching it (it stays a zombie until
 * this JVM ends, libuv reaping only the children it watches), so kill it first if it must end.
 *
 * <p>All methods must be called on the loop's thread (off it: {@link WrongThreadException}),
 * except the static {@link #kill(int, Signal)} and {@link #kill(int, int)}.
 */
public final class Process extends HandleBase {

    private final List<String> command;
    private final Pipe[] pipes;
    private final ExitHandler onExit;
    private final CompletableFuture<ProcessExit> exited;
    private final CompletableFuture<ProcessExit> finished;
    private int pid;
    private int openPipes;
    private ProcessExit exit;
    /** The spawn failed: the user never holds this object, and it only waits to be closed. */
    private boolean failed;

    private Process(LoopCore core, SpawnCall spawn, List<String> command, Pipe[] pipes, ExitHandler onExit) {
        this.exited = core.newFuture(); // their stages run on the loop thread
        this.finished = core.newFuture();
        super(core, HandleKind.PROCESS, spawn);
        this.command = command;
        this.pipes = pipes;
        this.onExit = onExit;
    }

    /**
     * Spawns the child that {@code options} describe; {@code onExit} (may be null) runs when it
     * exits. The same as {@code loop.spawn(options, onExit)}. Every stdio pipe is open and its
     * onConnect has run when this returns.
     *
     * @param loop    the loop that watches the child; call on its thread
     * @param options what to run, and what its descriptors are
     * @param onExit  runs on the loop's thread when the child exits, or null
     * @return the running child
     * @throws UvException if libuv could not start it (NOT_FOUND, PERMISSION_DENIED, ...); nothing stays open
     * @throws IllegalStateException if the loop is closed
     * @throws WrongThreadException  off the loop's thread
     */
    public static Process spawn(EventLoop loop, ProcessOptions options, ExitHandler onExit) {
        Objects.requireNonNull(options, "options");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        List<Stdio> stdio = options.stdio();
        Pipe[] pipes = new Pipe[stdio.size()];
        StdioHandler[] handlers = new StdioHandler[stdio.size()];
        Process process = null;
        try {
            List<Spawning.Container> containers = new ArrayList<>(stdio.size());
            for (int fd = 0; fd < stdio.size(); fd++) {
                Stdio s = stdio.get(fd);
                containers.add(switch (s.kind) {
                    case IGNORE -> new Spawning.Container(Uv.STDIO_IGNORE, 0);
                    case INHERIT -> new Spawning.Container(Uv.STDIO_INHERIT_FD, fd);
                    case FD -> new Spawning.Container(Uv.STDIO_INHERIT_FD, s.fd);
                    case PIPE -> {
                        handlers[fd] = new StdioHandler(s.handler);
                        pipes[fd] = ChildPipes.access().create(core, handlers[fd]);
                        // READABLE/WRITABLE are the child's view; both make a duplex socket pair.
                        yield new Spawning.Container(Uv.STDIO_CREATE_PIPE | Uv.STDIO_READABLE_PIPE | Uv.STDIO_WRITABLE_PIPE,
                                ChildPipes.access().handle(pipes[fd]));
                    }
                });
            }
            int flags = 0;
            if (options.detached()) flags |= Uv.PROCESS_DETACHED;
            if (options.uid().isPresent()) flags |= Uv.PROCESS_SETUID;
            if (options.gid().isPresent()) flags |= Uv.PROCESS_SETGID;
            SpawnCall spawn;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment o = Spawning.options(arena, options.command(), environment(options), options.directory(),
                        flags, options.uid().orElse(0), options.gid().orElse(0), containers);
                spawn = new SpawnCall(o);
                process = new Process(core, spawn, options.command(), pipes, onExit);
            }
            if (spawn.rc < 0) {
                process.spawnFailed();
                throw Errors.of(spawn.rc, "spawning " + options.command().getFirst()
                        + (options.directory() != null ? " in " + options.directory() : ""));
            }
            process.pid = Uv.processPid(process.handle);
            for (int fd = 0; fd < pipes.length; fd++) {
                if (pipes[fd] == null) continue;
                handlers[fd].process = process;
                process.openPipes++;
            }
        } catch (RuntimeException | Error e) {
            // Never opened, or opened by a uv_spawn that failed after all: no handler hears of them.
            for (Pipe p : pipes) if (p != null) p.closeNow();
            throw e;
        }
        for (Pipe p : pipes) if (p != null) core.guard(() -> ChildPipes.access().opened(p));
        return process;
    }

    private static List<String> environment(ProcessOptions options) {
        Map<String, String> env = switch (options.environmentMode()) {
            case INHERIT -> null; // libuv passes the process's own environ
            case REPLACE -> options.environment();
            case EXTEND -> {
                Map<String, String> now = Spawning.environment();
                now.putAll(options.environment());
                yield now;
            }
        };
        if (env == null) return null;
        List<String> entries = new ArrayList<>(env.size());
        env.forEach((k, v) -> entries.add(k + "=" + v));
        return entries;
    }

    /**
     * uv_spawn as the handle's init. uv_spawn initialises the handle first (uv__handle_init puts it
     * on the loop's handle queue; on Unix in 1.44 and 1.50 alike, and on Windows too), so a failed
     * spawn still leaves a handle libuv knows: freeing its memory without uv_close would leave a
     * dangling node in the loop's queue (uv_walk and uv_loop_close would read freed memory). So it
     * is registered and closed like any handle. Only where fork is prohibited (tvOS, watchOS) does
     * uv_spawn return UV_ENOSYS before touching the handle; there a uv_close would read garbage.
     * The zeroed memory tells the two apart (uv__handle_init sets the type), and a handle libuv
     * never saw is freed at once.
     */
    private static final class SpawnCall implements Init {
        private final MemorySegment options;
        int rc;

        SpawnCall(MemorySegment options) {
            this.options = options;
        }

        @Override
        public int init(long loop, long handle) {
            MemorySegment.ofAddress(handle).reinterpret(Uv.handleSize(Uv.PROCESS)).fill((byte) 0);
            rc = Uv.spawn(loop, handle, options);
            if (rc < 0 && Uv.handleType(handle) != Uv.PROCESS) return rc;
            return 0;
        }
    }

    /**
     * Closes what a failed spawn left, once, at once. libuv's own tests close the handle right after
     * a failed uv_spawn; cl-async deferred it by a loop turn to dodge an assertion. Its cause: after
     * closing at once cl-async threw the spawn's error, which ended its loop, and the loop's cleanup
     * uv_walk'ed every handle (closing ones included) and closed each, so the failed handle was
     * uv_close'd a second time: uv_close's {@code assert(!uv__is_closing(handle))}. Deferred, the
     * handle was not yet closing when the walk came. juv needs no deferral: a close goes through
     * the handle's Java state (closing twice is a no-op) and the loop closes what its own table
     * holds, never by uv_walk. One case differs: the child was exec'd but a stdio pipe then failed
     * to open. libuv keeps such a handle active so that the child can still be reaped; closing it
     * would leave the child running unwatched. It is killed instead, and the exit callback closes
     * the handle once it is reaped.
     */
    private void spawnFailed() {
        failed = true;
        if (Uv.isActive(handle)) {
            Uv.processKill(handle, Signal.KILL.number());
        } else {
            closeNow();
        }
    }

    // ------------------------------------------------------------------ what it is

    /** {@return the child's process id} Java state: it stays readable after the exit and after close. */
    public int pid() {
        return pid;
    }

    /** {@return the program and its arguments, as {@link ProcessOptions#command()} gave them} */
    public List<String> command() {
        return command;
    }

    /**
     * {@return the pipe made for the child's descriptor {@code fd} ({@link Stdio#pipe}), or null if that descriptor is no pipe}
     * Java state: once closed, it still gives the pipe, closed.
     *
     * @param fd the child's descriptor number
     */
    public Pipe stdio(int fd) {
        return fd >= 0 && fd < pipes.length ? pipes[fd] : null;
    }

    /** {@return the pipe to the child's stdin, or null if it is no pipe} {@code stdio(0)}. */
    public Pipe stdin() { return stdio(0); }
    /** {@return the pipe from the child's stdout, or null if it is no pipe} {@code stdio(1)}. */
    public Pipe stdout() { return stdio(1); }
    /** {@return the pipe from the child's stderr, or null if it is no pipe} {@code stdio(2)}. */
    public Pipe stderr() { return stdio(2); }

    /** {@return true until the child's exit was seen or the process was closed} */
    public boolean isRunning() {
        return exit == null && !isClosed();
    }

    /** {@return how the child ended, or null while it runs (or if it was closed before its exit was seen)} */
    public ProcessExit exitStatus() {
        return exit;
    }

    /**
     * {@return a future of the exit} It completes, on the loop's thread, right after the
     * {@link ExitHandler}; exceptionally ({@link io.juv.ErrorKind#SOCKET_CLOSED}) if the process
     * is closed before its exit was seen.
     */
    public CompletableFuture<ProcessExit> exited() {
        return exited;
    }

    /**
     * {@return a future that completes once the child exited and every stdio pipe has closed} When
     * it does, all of the child's output has been delivered. Exceptionally
     * ({@link io.juv.ErrorKind#SOCKET_CLOSED}) if the process is closed before its exit was seen.
     */
    public CompletableFuture<ProcessExit> finished() {
        return finished;
    }

    // ------------------------------------------------------------------ signals

    /**
     * Sends {@code signal} to the child (uv_process_kill).
     *
     * @param signal the signal to send ({@code Signal.TERM}, {@code Signal.KILL}, ...)
     * @throws UvException NO_SUCH_PROCESS once its exit was seen (its pid may be another's), SOCKET_CLOSED once closed
     * @throws IllegalArgumentException for a signal this platform does not have
     */
    public void kill(Signal signal) {
        kill(number(signal));
    }

    /**
     * Sends the signal numbered {@code signum} to the child (uv_process_kill): for a signal juv
     * has no name for; 0 only checks that the child can be signalled.
     *
     * @param signum the platform's number of the signal
     * @throws UvException NO_SUCH_PROCESS once its exit was seen (its pid may be another's),
     *         SOCKET_CLOSED once closed; libuv's error for a number that is no signal (EINVAL)
     */
    public void kill(int signum) {
        core.checkThread();
        if (exit != null) throw Errors.processExited("process " + pid);
        if (isClosed()) throw Errors.socketClosed("process " + pid);
        Errors.check(Uv.processKill(handle, signum));
    }

    /**
     * Sends {@code signal} to any process by its id (uv_kill); from any thread, with no loop.
     *
     * @param pid    the process id
     * @param signal the signal to send
     * @throws UvException NO_SUCH_PROCESS if there is no such process, PERMISSION_DENIED if this
     *         process may not signal it
     * @throws IllegalArgumentException for a signal this platform does not have
     */
    public static void kill(int pid, Signal signal) {
        kill(pid, number(signal));
    }

    /**
     * Sends the signal numbered {@code signum} to any process by its id (uv_kill); from any
     * thread, with no loop.
     *
     * @param pid    the process id
     * @param signum the platform's number of the signal (0: only check that it can be signalled)
     * @throws UvException NO_SUCH_PROCESS if there is no such process, PERMISSION_DENIED if this
     *         process may not signal it
     */
    public static void kill(int pid, int signum) {
        Errors.check(Uv.kill(pid, signum));
    }

    private static int number(Signal signal) {
        int n = Objects.requireNonNull(signal, "signal").number();
        if (n < 0) throw new IllegalArgumentException("juv: SIG" + signal + " does not exist on this platform");
        return n;
    }

    // ------------------------------------------------------------------ the end

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): libuv's
     * exit callback: the {@link ExitHandler} runs, then the handle closes and {@link #exited()}
     * completes.
     *
     * @param exitStatus the child's exit status
     * @param termSignal the signal that ended it, or 0
     */
    @Override
    protected void onExit(long exitStatus, int termSignal) {
        exit = new ProcessExit(exitStatus, termSignal);
        try {
            if (!failed && onExit != null) onExit.onExit(this, exit);
        } finally {
            closeNow();
            exited.complete(exit);
            maybeFinished();
        }
    }

    /**
     * Closes the process handle and every stdio pipe at once (what is queued on them is
     * cancelled). Before the exit it does not kill the child (see the class comment). Safe to
     * call more than once, and after the handle closed by itself.
     */
    public void close() {
        if (!isClosed()) closeNow();
        for (Pipe p : pipes) if (p != null) p.closeNow();
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * handle is closed: closed before the exit was seen, the futures fail with SOCKET_CLOSED.
     */
    @Override
    protected void onClosed() {
        if (exit == null) {
            UvException e = Errors.socketClosed("process " + pid + " (closed before its exit was seen)");
            exited.completeExceptionally(e);
            finished.completeExceptionally(e);
        }
    }

    private void stdioClosed() {
        openPipes--;
        maybeFinished();
    }

    private void maybeFinished() {
        if (exit != null && openPipes == 0) finished.complete(exit);
    }

    @Override
    public String toString() {
        return "Process[" + pid + " " + command.getFirst() + ", " + (exit != null ? exit : isClosed() ? "closed" : "running") + "]";
    }

    /** The user's handler, and the process hearing of each pipe's close (for {@link #finished()}). */
    private static final class StdioHandler implements StreamHandler<Pipe> {
        private final StreamHandler<? super Pipe> user;
        Process process;

        StdioHandler(StreamHandler<? super Pipe> user) {
            this.user = user;
        }

        public void onData(Pipe p, ByteBuffer data) { user.onData(p, data); }
        public void onConnect(Pipe p) { user.onConnect(p); }
        public void onEnd(Pipe p) { user.onEnd(p); }
        public void onError(Pipe p, UvException error) { user.onError(p, error); }
        public void onDrain(Pipe p) { user.onDrain(p); }
        public void onAcceptError(StreamServer server, UvException error) { user.onAcceptError(server, error); }

        public void onClose(Pipe p) {
            try {
                user.onClose(p);
            } finally {
                if (process != null) process.stdioClosed();
            }
        }
    }
}
