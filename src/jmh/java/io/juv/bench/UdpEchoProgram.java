package io.juv.bench;

import io.juv.EventLoop;
import io.juv.net.Udp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
public final class UdpEchoProgram {

    private final long warmup;
    private final long messages;
    private final MemorySegment message;
    private long done;
    private long startNs;
    private long endNs;

    private UdpEchoProgram(int size, long warmup, long messages) {
        this.warmup = warmup;
        this.messages = messages;
        this.message = Arena.global().allocate(size);
        message.fill((byte) 'x');
    }

    public static void main(String[] args) {
        int size = 64;
        long messages = 200_000;
        long warmup = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("options: --size S --messages M --warmup W");
                    System.exit(2);
                }
            }
        }
        UdpEchoProgram p = new UdpEchoProgram(size, warmup < 0 ? messages : warmup, messages);
        EventLoop.start(p::run);
        if (p.done != p.warmup + p.messages) {
            System.err.println("only " + p.done + " datagrams echoed");
            System.exit(1);
        }
        double seconds = (p.endNs - p.startNs) / 1e9;
        System.out.printf("messages=%d bytes=%d seconds=%.3f msgs_per_s=%.0f bytes_per_s=%.0f%n",
                messages, messages * size, seconds, messages / seconds, messages * size / seconds);
    }

    private void run(EventLoop loop) {
        Udp server = loop.udp("127.0.0.1", 0, (u, data, sender) -> u.send(data, sender));
        InetSocketAddress to = server.localAddress();
        Udp[] client = new Udp[1];
        client[0] = loop.udp("127.0.0.1", 0, (u, data, sender) -> {
            if (++done == warmup) startNs = System.nanoTime();
            if (done == warmup + messages) {
                endNs = System.nanoTime();
                u.close();
                server.close();
                return;
            }
            u.send(message, to, null);
        });
        client[0].send(message, to, null);
    }
}
