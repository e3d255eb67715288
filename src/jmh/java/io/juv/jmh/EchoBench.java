package io.juv.jmh;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.EventLoop;
import io.juv.Timer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A TCP echo on loopback inside one loop: the client sends a message, waits for all of it to come
 * back, sends the next (native/c_echo.c does the same in C). juvEcho: 64-byte messages, reported
 * as messages/s; juvEchoBulk: 64 KiB messages, reported as bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBench {

    static final int SMALL = 64, SMALL_COUNT = 10_000;
    static final int BULK = 64 * 1024, BULK_COUNT = 200;

    private EventLoop loop;
    private TcpServer server;
    private TcpSocket client;
    private TcpSocket accepted;
    private Timer keepAlive;
    private byte[] message;
    private int size, left;
    private long received;

    private final SocketHandler echo = (socket, data) -> socket.write(data);

    private final SocketHandler ping = new SocketHandler() {
        @Override
        public void onConnect(TcpSocket s) {
            client = s;
            s.noDelay(true); // as native/c_echo.c does
            s.unref();
            ready();
        }

        @Override
        public void onData(TcpSocket s, ByteBuffer data) {
            received += data.remaining();
            if (received < size) return;
            received = 0;
            if (--left == 0) keepAlive.cancel();
            else s.write(message);
        }
    };

    @Setup
    public void setUp() {
        loop = EventLoop.create();
        loop.run(l -> {
            keepAlive = l.delay(Duration.ofSeconds(10), l::exit);
            server = l.listen("127.0.0.1", 0, new SocketHandler() {
                @Override
                public void onConnect(TcpSocket s) {
                    accepted = s;
                    s.noDelay(true);
                    s.unref();
                    ready();
                }

                @Override
                public void onData(TcpSocket s, ByteBuffer data) {
                    echo.onData(s, data);
                }
            });
            server.unref();
            l.connect("127.0.0.1", server.port(), ping);
        });
        if (client == null || accepted == null) throw new IllegalStateException("echo pair did not connect");
    }

    private void ready() {
        // Both ends are unreferenced: from now on only a benchmark's keep-alive timer holds the loop.
        if (client != null && accepted != null) keepAlive.cancel();
    }

    @TearDown
    public void tearDown() {
        loop.exit();
        loop.run();
        loop.close();
    }

    private void exchange(int bytes, int count) {
        message = new byte[bytes];
        size = bytes;
        left = count;
        loop.run(l -> {
            keepAlive = l.delay(Duration.ofSeconds(60), l::exit);
            client.write(message);
        });
        if (left != 0) throw new IllegalStateException(left + " messages never came back");
    }

    @Benchmark
    @OperationsPerInvocation(SMALL_COUNT)
    public void juvEcho() {
        exchange(SMALL, SMALL_COUNT);
    }

    @Benchmark
    @OperationsPerInvocation(BULK_COUNT * BULK)
    public void juvEchoBulk() {
        exchange(BULK, BULK_COUNT);
    }
}
