/**
 * Terminals, like Node's {@code tty} module: {@link io.juv.tty.Tty} streams a terminal on one juv
 * event loop (libuv's {@code uv_tty_t}) and sets its input mode ({@link io.juv.tty.TtyMode}) and
 * reads its size ({@link io.juv.tty.WindowSize}); {@link io.juv.tty.DescriptorType} tells whether
 * a descriptor is a terminal at all, or a pipe, a socket or a file.
 *
 * <pre>{@code
 * if (DescriptorType.of(0) == DescriptorType.TTY) {
 *     Tty keys = Tty.stdin(loop, (tty, data) -> { ... });   // lines, or keys once raw
 *     keys.mode(TtyMode.RAW);                                // put back when keys closes
 * }
 * }</pre>
 *
 * <p>A Tty is used from its loop's thread only, like every handle; {@link io.juv.tty.Tty#resetMode()}
 * and {@link io.juv.tty.DescriptorType#of(int)} may be called from any thread.
 */
package io.juv.tty;
