package io.juv.net;

import io.juv.UvException;

/** Called once a datagram was handed to the kernel, or could not be. */
@FunctionalInterface
public interface UdpSendCallback {
    /**
     * The send is done: the kernel has the datagram, or it was refused. Runs on the loop's thread,
     * before the send returns when the kernel took or refused the datagram at once.
     *
     * @param udp   the socket sent from
     * @param error null once the kernel has the datagram; {@link io.juv.ErrorKind#MESSAGE_TOO_LARGE}
     *              for one too large; {@link io.juv.ErrorKind#CANCELED} when the socket was closed
     *              while it was queued; {@link io.juv.ErrorKind#SOCKET_CLOSED} when it was closed before
     */
    void sent(Udp udp, UvException error);
}
