package io.juv.jmh;

import io.juv.EventLoop;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.StreamServer;
import io.juv.Timer;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An echo inside one loop, over TCP on loopback and over a Unix domain socket (a pipe), so the
 * two transports are measured side by side in one run: the client sends a message, waits for all
 * of it to come back, sends the next (native/c_echo.c does the same in C over TCP). juvEcho and
 * juvPipeEcho: 64-byte messages, reported as messages/s; juvEchoBulk and juvPipeEchoBulk: 64 KiB
 * messages, reported as bytes/s. The client writes from native memory, as the C program does;
 * juvEchoBulkHeap writes a byte[] instead, which costs one copy into native memory per write.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBench {

    static final int SMALL = 64, SMALL_COUNT = 10_000;
    static final int BULK = 64 * 1024, BULK_COUNT = 2000;

    private EventLoop loop;
    private Path pipeDir;
    private StreamServer tcpServer, pipeServer;
    private Stream tcpClient, pipeClient;
    /** Ends connected so far: two per transport. */
    private int ends;
    private Timer keepAlive;
    /** What the client sends: native, as native/c_echo.c's message is, or a heap array (juvEchoBulkHeap). */
    private MemorySegment message;
    private byte[] heapMessage;
    private final Arena messages = Arena.ofShared();
    private int size, left;
    private long received;

    /** The server side of both transports: every read is written back. */
    private final StreamHandler<Stream> echo = new StreamHandler<>() {
        @Override
        public void onConnect(Stream s) {
            connected(s);
        }

        @Override
        public void onData(Stream s, ByteBuffer data) {
            s.write(data);
        }
    };

    /** The client side: counts what came back, sends the next message once all of it did. */
    private final StreamHandler<Stream> ping = new StreamHandler<>() {
        @Override
        public void onConnect(Stream s) {
            if (s instanceof TcpSocket) tcpClient = s;
            else pipeClient = s;
            connected(s);
        }

        @Override
        public void onData(Stream s, ByteBuffer data) {
            received += data.remaining();
            if (received < size) return;
            received = 0;
            if (--left == 0) keepAlive.cancel();
            else send(s);
        }
    };

    private void send(Stream s) {
        if (heapMessage != null) s.write(heapMessage);
        else s.write(message, null);
    }

    private void connected(Stream s) {
        if (s instanceof TcpSocket t) t.noDelay(true); // as native/c_echo.c does
        s.unref();
        // Every end is unreferenced: from now on only a benchmark's keep-alive timer holds the loop.
        if (++ends == 4) keepAlive.cancel();
    }

    @Setup
    public void setUp() {
        try {
            pipeDir = Files.createTempDirectory("juv-echo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String pipePath = pipeDir.resolve("echo.sock").toString();
        loop = EventLoop.create();
        loop.run(l -> {
            keepAlive = l.delay(Duration.ofSeconds(10), l::exit);
            TcpServer tcp = l.listen("127.0.0.1", 0, echo);
            tcpServer = tcp;
            pipeServer = l.listenPipe(pipePath, echo);
            tcpServer.unref();
            pipeServer.unref();
            l.connect("127.0.0.1", tcp.port(), ping);
            l.connectPipe(pipePath, ping);
        });
        if (ends != 4) throw new IllegalStateException("echo pairs did not connect: " + ends + " of 4 ends");
    }

    @TearDown
    public void tearDown() throws IOException {
        loop.exit();
        loop.run();
        loop.close();
        messages.close();
        Files.deleteIfExists(pipeDir.resolve("echo.sock")); // libuv removed it with the server; in case it did not
        Files.delete(pipeDir);
    }

    private void exchange(Stream client, int bytes, int count, boolean heap) {
        if (message == null || message.byteSize() != bytes) message = messages.allocate(bytes);
        heapMessage = heap ? new byte[bytes] : null;
        size = bytes;
        left = count;
        loop.run(l -> {
            keepAlive = l.delay(Duration.ofSeconds(60), l::exit);
            send(client);
        });
        if (left != 0) throw new IllegalStateException(left + " messages never came back");
    }

    private void exchange(Stream client, int bytes, int count) {
        exchange(client, bytes, count, false);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL_COUNT)
    public void juvEcho() {
        exchange(tcpClient, SMALL, SMALL_COUNT);
    }

    @Benchmark
    @OperationsPerInvocation(BULK_COUNT * BULK)
    public void juvEchoBulk() {
        exchange(tcpClient, BULK, BULK_COUNT);
    }

    /** The bulk echo writing a heap array: the difference to juvEchoBulk is the copy into native memory. */
    @Benchmark
    @OperationsPerInvocation(BULK_COUNT * BULK)
    public void juvEchoBulkHeap() {
        exchange(tcpClient, BULK, BULK_COUNT, true);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL_COUNT)
    public void juvPipeEcho() {
        exchange(pipeClient, SMALL, SMALL_COUNT);
    }

    @Benchmark
    @OperationsPerInvocation(BULK_COUNT * BULK)
    public void juvPipeEchoBulk() {
        exchange(pipeClient, BULK, BULK_COUNT);
    }
}
