package io.juv.bench;

import io.juv.EventLoop;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * native/c_echo.c on juv, line for line: one loop, a server and one client over loopback, both
 * with TCP_NODELAY; the client sends a message from native memory, waits until all of it came
 * back, sends the next. Run as its own process, pinned like the C program, so that the two whole
 * programs are compared the same way (JMH's EchoBench measures inside JMH's harness, which the C
 * program has no counterpart of). A JVM needs its JIT: the first {@code --warmup} messages are not
 * timed. Prints the C program's line: {@code messages=M bytes=B seconds=T msgs_per_s=.. bytes_per_s=..}.
 *
 * <pre>--size S (64)  --messages M (200000)  --warmup W (M)</pre>
 */
public final class EchoProgram {

    private final int size;
    private final long warmup;
    private final long messages;
    private final MemorySegment message;
    private long done;
    private long received;
    private long startNs;
    private long endNs;

    private EchoProgram(int size, long warmup, long messages) {
        this.size = size;
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
        EchoProgram p = new EchoProgram(size, warmup < 0 ? messages : warmup, messages);
        EventLoop.start(p::run);
        if (p.done != p.warmup + p.messages) {
            System.err.println("only " + p.done + " messages echoed");
            System.exit(1);
        }
        double seconds = (p.endNs - p.startNs) / 1e9;
        System.out.printf("messages=%d bytes=%d seconds=%.3f msgs_per_s=%.0f bytes_per_s=%.0f%n",
                messages, messages * size, seconds, messages / seconds, messages * size / seconds);
    }

    private void run(EventLoop loop) {
        TcpServer[] server = new TcpServer[1];
        server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
            public void onConnect(TcpSocket s) {
                s.noDelay(true);
                server[0].close(); // one client only, as the C program
            }
            public void onData(TcpSocket s, ByteBuffer data) {
                s.write(data); // what the kernel does not take is copied: the read buffer is reused
            }
        });
        loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
            public void onConnect(TcpSocket s) {
                s.noDelay(true);
                s.write(message, null);
            }
            public void onData(TcpSocket s, ByteBuffer data) {
                received += data.remaining();
                if (received < size) return;
                received = 0;
                if (++done == warmup) startNs = System.nanoTime();
                if (done == warmup + messages) {
                    endNs = System.nanoTime();
                    s.close();
                    return;
                }
                s.write(message, null);
            }
        });
    }
}
