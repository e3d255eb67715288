package io.juv.net;

import io.juv.StreamHandler;

/**
 * A {@link StreamHandler} for pipes, by its shorter name:
 * {@code new PipeHandler() { public void onData(Pipe p, ByteBuffer data) { ... } }}.
 */
@FunctionalInterface
public interface PipeHandler extends StreamHandler<Pipe> {
}
