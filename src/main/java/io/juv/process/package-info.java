/**
 * Child processes on one juv event loop: libuv's {@code uv_spawn}, the child's exit, and its
 * standard input and output as juv streams.
 *
 * <p>{@link io.juv.process.ProcessOptions} says what to run and how (arguments, environment,
 * working directory, user and group, detached); {@link io.juv.process.Stdio} says what each of the
 * child's descriptors is (nothing, one of this process's, or a {@link io.juv.net.Pipe} made for
 * it). {@code loop.spawn} (or {@link io.juv.process.Process#spawn}) starts it; an
 * {@link io.juv.process.ExitHandler} and the {@link io.juv.process.Process#exited()} future hear
 * of its {@link io.juv.process.ProcessExit}, and {@link io.juv.process.Process#finished()} tells
 * when all of its output has been read as well.
 *
 * <pre>{@code
 * ProcessOptions options = ProcessOptions.builder("sh", "-c", "echo hello; exit 3")
 *         .stdout(Stdio.pipe((pipe, data) -> System.out.print(StandardCharsets.UTF_8.decode(data))))
 *         .stderr(Stdio.inherit())
 *         .build();
 * loop.spawn(options).finished().thenAccept(exit -> System.out.println(exit)); // "exit status 3"
 * }</pre>
 *
 * <p>A {@link io.juv.process.Process} and its pipes are used from the loop's thread only; the
 * options and {@link io.juv.process.Stdio} values are immutable and may be shared, and
 * {@link io.juv.process.Process#kill(int, io.juv.Signal)} may be called from any thread.
 */
package io.juv.process;
