package io.juv.net;

import io.juv.UvException;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** What a {@link Udp} socket calls back, on the loop's thread. */
@FunctionalInterface
public interface UdpHandler {

    /**
     * A datagram arrived. {@code data} is a read-only view of the loop's read buffer, valid only
     * during this call (copy what you keep): the next datagram overwrites it, and once the loop
     * is closed every access to a kept view throws. An empty datagram comes as an empty view.
     */
    void onDatagram(Udp udp, ByteBuffer data, InetSocketAddress sender);

    /** A receive error (the socket stays open), or a send error of a send without a callback. */
    default void onError(Udp udp, UvException error) {}

    /** The socket is closed and its memory freed. */
    default void onClose(Udp udp) {}
}
