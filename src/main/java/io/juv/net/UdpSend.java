package io.juv.net;

import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.MemorySegment;

/** A queued datagram: one allocation holds the uv_udp_send_t, its uv_buf_t and a copy of the bytes. */
final class UdpSend extends RequestBase {

    private final Udp udp;
    private final UdpSendCallback callback;

    UdpSend(LoopCore core, Udp udp, MemorySegment bytes, UdpSendCallback callback) {
        super(core, Type.UDP_SEND, Platform.BUF_SIZE + bytes.byteSize());
        this.udp = udp;
        this.callback = callback;
        long buf = extra();
        MemorySegment.copy(bytes, 0, extraSegment(), Platform.BUF_SIZE, bytes.byteSize());
        Platform.setBuf(buf, buf + Platform.BUF_SIZE, bytes.byteSize());
    }

    /** addr: a sockaddr libuv copies before returning, or 0 on a connected socket. */
    void start(long handle, long addr) {
        started(Uv.udpSend(request, handle, extra(), 1, addr, Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        udp.sendDone(callback, status);
    }
}
