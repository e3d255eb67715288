package io.juv.net;

import io.juv.UvException;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What a {@link Udp} socket calls back, on the loop's thread. Only {@link #onDatagram} must be
 * written; a lambda will do. An exception thrown from one goes to the loop's error policy (see
 * {@link io.juv.EventLoop#catchErrors}); the socket stays open.
 */
@FunctionalInterface
public interface UdpHandler {

    /**
     * A datagram arrived. {@code data} is a read-only view of the loop's read buffer, valid only
     * during this call (copy what you keep): the next datagram overwrites it, and once the loop
     * is closed every access to a kept view throws. An empty datagram comes as an empty view.
     *
     * @param udp    the socket that received it
     * @param data   the datagram's bytes, read-only, valid during this call
     * @param sender the address and port it came from
     */
    void onDatagram(Udp udp, ByteBuffer data, InetSocketAddress sender);

    /**
     * A receive error (the socket stays open), or a send error of a send without a callback.
     *
     * @param udp   the socket
     * @param error what failed
     */
    default void onError(Udp udp, UvException error) {}

    /**
     * The socket is closed and its memory freed: the last call for it. Only a socket that was
     * bound hears of it.
     *
     * @param udp the socket, closed
     */
    default void onClose(Udp udp) {}
}
