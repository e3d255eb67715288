package io.juv.bench;

import io.juv.EventLoop;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;

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
public final class EchoProgram extends PingPong {

    private long received;

    private EchoProgram(Args args) {
        super(args);
    }

    public static void main(String[] args) {
        PingPong.main("EchoProgram", "native/c_echo.c on juv: TCP over loopback", args, 64, EchoProgram::new);
    }

    @Override
    void run(EventLoop loop) {
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
                if (cameBack()) s.write(message, null);
                else s.close();
            }
        });
    }
}
