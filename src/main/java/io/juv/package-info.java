/**
 * The event loop and what every capability is built on: timers, signals, the stream type, errors,
 * statistics, loop hooks, notifiers, blocking work, descriptor polling and system facts.
 *
 * <p>{@link io.juv.EventLoop} is the one entry point. Its factories make everything else, and the
 * larger capabilities live in their own packages: TCP, pipes, UDP, DNS and TLS in
 * {@link io.juv.net}, files and file watching in {@link io.juv.fs}, child processes in
 * {@link io.juv.process}, the terminal in {@link io.juv.tty}.
 *
 * {@snippet :
 * import io.juv.*;
 * import java.time.Duration;
 *
 * EventLoop.start(loop -> {
 *     Timer tick = loop.interval(Duration.ofSeconds(1), t -> System.out.println(loop.stats()));
 *     loop.listen("127.0.0.1", 7000, (socket, data) -> socket.write(data));   // echo
 *     loop.onSignal(Signal.INT, signal -> loop.exit());                        // ^C: close all, return
 * });
 * }
 *
 * <h2>What is here</h2>
 * <ul>
 * <li>{@link io.juv.EventLoop}: making, running, stopping and closing a loop; handing work to it
 *     from other threads ({@link io.juv.EventLoop#execute}); the error policy; the factories.</li>
 * <li>{@link io.juv.Timer}: one-shot delays and repeating intervals.</li>
 * <li>{@link io.juv.Stream}, {@link io.juv.StreamHandler}, {@link io.juv.StreamServer},
 *     {@link io.juv.WriteCallback}: the one byte-stream type under TCP sockets, pipes, TLS sessions,
 *     process stdio and terminals, with backpressure, half-close, idle timeouts and blocking
 *     adapters; and the listening side.</li>
 * <li>{@link io.juv.UvException} and {@link io.juv.ErrorKind}: every failure, with libuv's error
 *     name and a kind to compare.</li>
 * <li>{@link io.juv.LoopFuture}: the {@code CompletableFuture} every one-shot operation returns,
 *     whose stages run on the loop's thread.</li>
 * <li>{@link io.juv.Signal} and {@link io.juv.SignalHandler}: POSIX signals, delivered on the loop.</li>
 * <li>{@link io.juv.LoopHook}: idle, prepare and check callbacks, once per iteration.</li>
 * <li>{@link io.juv.Notifier}: a callback on the loop that any thread can set off.</li>
 * <li>{@link io.juv.Work} and {@link io.juv.WorkCallback}: blocking jobs on worker threads whose
 *     results come back on the loop.</li>
 * <li>{@link io.juv.Poller}, {@link io.juv.PollEvent}, {@link io.juv.PollHandler}: readiness of a
 *     descriptor that something else reads and writes.</li>
 * <li>{@link io.juv.LoopStats}, {@link io.juv.LoopOptions}, {@link io.juv.HandleKind}: counters,
 *     configuration and the kinds of handle they count.</li>
 * <li>{@link io.juv.SystemInfo}: the machine and the process, as libuv sees them.</li>
 * </ul>
 *
 * <h2>Rules that hold everywhere</h2>
 * <ul>
 * <li><b>One thread per loop.</b> A loop and everything made from it belong to the thread that
 *     created the loop; a call from another thread throws {@link java.lang.WrongThreadException}.
 *     The exceptions say so in their own comment: {@link io.juv.EventLoop#execute},
 *     {@link io.juv.Notifier#trigger()}, completing or waiting on a future from another thread,
 *     the blocking streams of {@link io.juv.Stream#inputStream()} and
 *     {@link io.juv.Stream#outputStream()}, and {@link io.juv.SystemInfo}'s static methods.</li>
 * <li><b>Callbacks run on the loop's thread</b> and must not block it: blocking work goes to
 *     {@link io.juv.EventLoop#work}. What a callback throws goes to the loop's error policy
 *     ({@link io.juv.EventLoop#catchErrors}): by default the loop stops and
 *     {@link io.juv.EventLoop#run} rethrows it.</li>
 * <li><b>Read views are lent.</b> The {@link java.nio.ByteBuffer} a read callback gets is a
 *     read-only view of the loop's buffer, valid only during the call; copy what you keep.
 *     Writes copy what the kernel does not take at once, so the caller's bytes may be reused as
 *     soon as {@code write} returns.</li>
 * <li><b>Close is explicit and safe.</b> Handles ({@code close()}) and the loop
 *     ({@link io.juv.EventLoop#close()}) free their native memory once libuv is done with it.
 *     Using a closed object never reads freed memory: writes are refused with
 *     {@link io.juv.ErrorKind#SOCKET_CLOSED}, other calls throw a typed exception or answer from
 *     Java state. A handle libuv can still call back (a reading stream, a started timer, a
 *     listening server) is kept by its loop until it is closed; one it cannot (a paused stream, a
 *     stopped hook) that the program drops is closed by the loop after a garbage collection and
 *     logged to the {@code System.Logger} {@code io.juv.leak}.</li>
 * <li><b>Alive means referenced.</b> {@link io.juv.EventLoop#run} returns once no referenced
 *     handle or request is left; {@code unref()} lets a handle (a timer, a hook) stay open without
 *     keeping the loop running.</li>
 * </ul>
 */
package io.juv;
