package io.juv.net;

import io.juv.StreamHandler;

/**
 * A {@link StreamHandler} for TCP sockets, by its shorter name:
 * {@code new SocketHandler() { public void onData(TcpSocket s, ByteBuffer data) { ... } }}.
 */
@FunctionalInterface
public interface SocketHandler extends StreamHandler<TcpSocket> {
}
