package io.juv.bench;

import io.juv.EventLoop;
import io.juv.net.Udp;

import java.net.InetSocketAddress;

/**
 * native/c_udp_echo.c on juv, line for line: one loop, two UDP sockets on 127.0.0.1; the server
 * sends every datagram back to its sender from the read view, the client sends a datagram from
 * native memory, waits for its echo, sends the next. Run as its own process, pinned like the C
 * program (see {@link EchoProgram}); the first {@code --warmup} datagrams are not timed. Prints the
 * C program's line: {@code messages=M bytes=B seconds=T msgs_per_s=.. bytes_per_s=..}.
 *
 * <pre>--size S (64)  --messages M (200000)  --warmup W (M)</pre>
 */
public final class UdpEchoProgram extends PingPong {

    private UdpEchoProgram(Args args) {
        super(args);
    }

    public static void main(String[] args) {
        PingPong.main("UdpEchoProgram", "native/c_udp_echo.c on juv: UDP datagrams on 127.0.0.1", args, 64, UdpEchoProgram::new);
    }

    @Override
    void run(EventLoop loop) {
        Udp server = loop.udp("127.0.0.1", 0, (u, data, sender) -> u.send(data, sender));
        InetSocketAddress to = server.localAddress();
        Udp[] client = new Udp[1];
        client[0] = loop.udp("127.0.0.1", 0, (u, data, sender) -> {
            if (cameBack()) {
                u.send(message, to, null);
            } else {
                u.close();
                server.close();
            }
        });
        client[0].send(message, to, null);
    }
}
