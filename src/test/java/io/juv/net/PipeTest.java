package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.LoopStats;
import io.juv.Loops;
import io.juv.UvException;
import io.juv.internal.Addresses;
import io.juv.internal.Platform;
import io.juv.internal.Uv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class PipeTest {

    /** A fresh directory per test, deleted afterwards: socket files live here. */
    @TempDir
    Path dir;

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static String utf8(ByteBuffer data) {
        return StandardCharsets.UTF_8.decode(data).toString();
    }

    private static PipeServer echoServer(EventLoop loop, String path) {
        return loop.listenPipe(path, (p, data) -> p.write(Loops.bytes(data)));
    }

    // ------------------------------------------------------------------ client and server

    @Test
    void echoesAMegabyteEachWayIntact() {
        int size = 1024 * 1024;
        byte[] data = Loops.random(size, 21);
        String path = path("echo.sock");
        MessageDigest serverGot = Loops.sha256(), clientGot = Loops.sha256();
        long[] counts = new long[2];
        boolean[] fileWhileListening = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            PipeServer server = loop.listenPipe(path, (p, d) -> {
                byte[] b = Loops.bytes(d);
                counts[0] += b.length;
                serverGot.update(b);
                p.write(b);
            });
            fileWhileListening[0] = Files.exists(Path.of(path));
            loop.connectPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) { p.write(data); }
                @Override public void onData(Pipe p, ByteBuffer d) {
                    byte[] b = Loops.bytes(d);
                    counts[1] += b.length;
                    clientGot.update(b);
                    if (counts[1] == size) {
                        p.close();
                        server.close();
                        wd[0].cancel();
                    }
                }
            });
        });
        wd[0].assertNotFired();
        assertTrue(fileWhileListening[0], "binding creates the socket file");
        assertEquals(size, counts[0]);
        assertEquals(size, counts[1]);
        byte[] expected = Loops.sha256(data);
        assertArrayEquals(expected, serverGot.digest(), "client to server");
        assertArrayEquals(expected, clientGot.digest(), "server to client");
        assertFalse(Files.exists(Path.of(path)), "closing the server removes its socket file");
    }

    @Test
    void namesOfBothEnds() {
        String path = path("names.sock");
        String[] names = new String[5];
        boolean[] incoming = new boolean[2];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            PipeServer[] server = new PipeServer[1];
            int[] ends = {0};
            Runnable oneDone = () -> {
                if (++ends[0] == 2) {
                    server[0].close();
                    wd[0].cancel();
                }
            };
            server[0] = loop.listenPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) {
                    names[0] = p.localName();
                    names[1] = p.peerName();
                    incoming[0] = p.isIncoming();
                }
                @Override public void onData(Pipe p, ByteBuffer d) { }
                @Override public void onClose(Pipe p) { oneDone.run(); }
            });
            names[4] = server[0].name();
            loop.connectPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) {
                    names[2] = p.localName();
                    names[3] = p.peerName();
                    incoming[1] = p.isIncoming();
                    p.close();
                }
                @Override public void onData(Pipe p, ByteBuffer d) { }
                @Override public void onClose(Pipe p) { oneDone.run(); }
            });
        });
        wd[0].assertNotFired();
        assertEquals(path, names[0], "an accepted pipe is bound to the server's path");
        assertEquals("", names[1], "the client's end has no name");
        assertEquals("", names[2]);
        assertEquals(path, names[3], "a client's peer is the server's path");
        assertEquals(path, names[4]);
        assertTrue(incoming[0]);
        assertFalse(incoming[1]);
    }

    /** A Java NIO client (UnixDomainSocketAddress) speaks to a juv pipe server: they are the same sockets. */
    @Test
    void aJavaUnixDomainSocketClientIsServed() throws Exception {
        String path = path("java.sock");
        byte[] got = new byte[4];
        Throwable[] clientFailure = new Throwable[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Thread[] client = new Thread[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            PipeServer[] server = new PipeServer[1];
            server[0] = loop.listenPipe(path, new PipeHandler() {
                @Override public void onData(Pipe p, ByteBuffer d) { p.write(Loops.bytes(d)); }
                @Override public void onClose(Pipe p) {
                    server[0].close();
                    wd[0].cancel();
                }
            });
            client[0] = new Thread(() -> {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    ch.write(ByteBuffer.wrap("java".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer in = ByteBuffer.wrap(got);
                    while (in.hasRemaining() && ch.read(in) >= 0) { }
                } catch (Throwable t) {
                    clientFailure[0] = t;
                }
            }, "java-client");
            client[0].start();
        });
        client[0].join(5_000);
        wd[0].assertNotFired();
        assertNull(clientFailure[0]);
        assertEquals("java", new String(got, StandardCharsets.US_ASCII));
    }

    @Test
    void halfCloseOverAPipe() {
        String path = path("half.sock");
        byte[] request = Loops.random(3000, 4);
        String[] reply = {null};
        boolean[] serverSawEnd = {false}, clientSawEnd = {false}, clientWriteEnded = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            PipeServer server = loop.listenPipe(path, new PipeHandler() {
                long received;
                @Override public void onConnect(Pipe p) { p.allowHalfOpen(true); }
                @Override public void onData(Pipe p, ByteBuffer d) { received += d.remaining(); }
                @Override public void onEnd(Pipe p) {
                    serverSawEnd[0] = true;
                    // The client's write side is shut; ours is still open.
                    p.write("got " + received + " bytes");
                    p.close();
                }
            });
            loop.connectPipe(path, new PipeHandler() {
                final StringBuilder sb = new StringBuilder();
                @Override public void onConnect(Pipe p) {
                    p.write(request);
                    p.shutdown();
                    clientWriteEnded[0] = p.isWriteEnded();
                }
                @Override public void onData(Pipe p, ByteBuffer d) { sb.append(utf8(d)); }
                @Override public void onEnd(Pipe p) {
                    clientSawEnd[0] = true;
                    reply[0] = sb.toString();
                }
                @Override public void onClose(Pipe p) {
                    server.close();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertTrue(clientWriteEnded[0]);
        assertTrue(serverSawEnd[0]);
        assertTrue(clientSawEnd[0]);
        assertEquals("got 3000 bytes", reply[0]);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void connectToAMissingPathFailsWithEnoent() {
        List<UvException> errors = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        boolean[] connected = {false}, closed = {false};
        Loops.run(loop -> loop.connectPipe(path("nobody-here.sock"), new PipeHandler() {
            @Override public void onConnect(Pipe p) { connected[0] = true; }
            @Override public void onData(Pipe p, ByteBuffer d) { }
            @Override public void onError(Pipe p, UvException e) { errors.add(e); }
            @Override public void onClose(Pipe p) { closed[0] = true; }
        }).whenComplete((p, e) -> failure[0] = e));
        assertFalse(connected[0]);
        assertEquals(1, errors.size(), "onError once");
        assertEquals("ENOENT", errors.getFirst().errorName());
        assertEquals(errors.getFirst(), assertInstanceOf(UvException.class, failure[0]), "the future fails with the same error");
        assertTrue(closed[0]);
    }

    @Test
    void exitWhileConnectingFailsTheConnectCleanly() {
        String path = path("exit.sock");
        Throwable[] failure = new Throwable[1];
        boolean[] connected = {false};
        Loops.run(loop -> {
            echoServer(loop, path);
            loop.connectPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) { connected[0] = true; }
                @Override public void onData(Pipe p, ByteBuffer d) { }
            }).whenComplete((p, e) -> failure[0] = e);
            loop.exit();
        });
        assertFalse(connected[0]);
        UvException e = assertInstanceOf(UvException.class, failure[0]);
        assertTrue(e.kind() == ErrorKind.CANCELED || e.kind() == ErrorKind.SOCKET_CLOSED, e.toString());
        assertFalse(Files.exists(Path.of(path)), "the server closed by exit() took its file with it");
    }

    @Test
    void connectToAStaleSocketFileIsRefusedAndListeningThereIsAddressInUse() throws IOException {
        String path = path("stale.sock");
        // A socket file whose server is gone, as a crashed server leaves it.
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(Path.of(path)));
        Throwable[] failure = new Throwable[1];
        UvException[] inUse = new UvException[1];
        Loops.run(loop -> {
            loop.connectPipe(path, (p, d) -> { }).whenComplete((p, e) -> failure[0] = e);
            inUse[0] = assertThrows(UvException.class, () -> loop.listenPipe(path, (p, d) -> { }));
        });
        assertEquals(ErrorKind.CONNECTION_REFUSED, assertInstanceOf(UvException.class, failure[0]).kind());
        assertEquals(ErrorKind.ADDRESS_IN_USE, inUse[0].kind());
        assertTrue(Files.exists(Path.of(path)), "a failed bind leaves the file alone");
    }

    @Test
    void bindingAPathInUseIsAddressInUseAndTheFirstServerGoesOn() {
        String path = path("taken.sock");
        UvException[] second = new UvException[1];
        boolean[] fileAfterFailedBind = {false};
        String[] echoed = {null};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            PipeServer first = echoServer(loop, path);
            second[0] = assertThrows(UvException.class, () -> echoServer(loop, path));
            // Loops.run checks that the failed server's handle was closed and freed too.
            fileAfterFailedBind[0] = Files.exists(Path.of(path));
            loop.connectPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) { p.write("still here"); }
                @Override public void onData(Pipe p, ByteBuffer d) {
                    echoed[0] = utf8(d);
                    p.close();
                    first.close();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(ErrorKind.ADDRESS_IN_USE, second[0].kind());
        assertEquals("EADDRINUSE", second[0].errorName());
        assertTrue(second[0].getMessage().contains("(listening on "), second[0].getMessage());
        assertTrue(fileAfterFailedBind[0], "the failed server must not remove the first one's file");
        assertEquals("still here", echoed[0]);
    }

    @Test
    void listeningInAMissingDirectoryIsATypedError() {
        UvException[] e = new UvException[1];
        Loops.run(loop -> e[0] = assertThrows(UvException.class,
                () -> loop.listenPipe(path("no-such-dir/x.sock"), (p, d) -> { })));
        // libuv reports ENOENT as EACCES here, as on Windows.
        assertTrue(Set.of("EACCES", "ENOENT").contains(e[0].errorName()), e[0].toString());
    }

    @Test
    void badNamesAreRefusedBeforeAnythingOpens() {
        String base = dir.toString() + "/";
        String longest = base + "x".repeat(Platform.PIPE_NAME_MAX - base.length());
        String tooLong = longest + "x";
        String[] local = {null};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.listenPipe(tooLong, (p, d) -> { }));
            assertTrue(e.getMessage().contains("too long"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.connectPipe(tooLong, (p, d) -> { }));
            assertThrows(IllegalArgumentException.class, () -> loop.listenPipe("", (p, d) -> { }));
            assertThrows(IllegalArgumentException.class, () -> loop.connectPipe(base + "a\0b", (p, d) -> { }));
            assertThrows(IllegalArgumentException.class, () -> PipeServer.listen(loop, base + "a.sock", 0, (p, d) -> { }));
            assertThrows(NullPointerException.class, () -> loop.listenPipe(null, (p, d) -> { }));
            LoopStats st = loop.stats();
            assertEquals(0, st.openHandles(), () -> "handles after refused names: " + st.handles());
            assertEquals(0, st.pendingRequests());
            // The longest name that fits is taken whole, not cut short.
            wd[0] = Loops.watchdog(loop);
            PipeServer server = echoServer(loop, longest);
            loop.connectPipe(longest, new PipeHandler() {
                @Override public void onConnect(Pipe p) {
                    local[0] = p.peerName();
                    p.close();
                    server.close();
                    wd[0].cancel();
                }
                @Override public void onData(Pipe p, ByteBuffer d) { }
            });
        });
        assertFalse(Files.exists(Path.of(tooLong)));
        assertEquals(longest, local[0]);
    }

    // ------------------------------------------------------------------ chmod

    @Test
    void chmodAddsReadAndWritePermissionForEveryone() throws IOException {
        assumeTrue(Platform.OS != Platform.Os.WINDOWS, "socket files have POSIX modes");
        String path = path("mode.sock");
        Path file = Path.of(path);
        List<Set<PosixFilePermission>> modes = new ArrayList<>();
        Loops.run(loop -> {
            PipeServer server = echoServer(loop, path);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                modes.add(Files.getPosixFilePermissions(file));
                server.chmod(true, false);
                modes.add(Files.getPosixFilePermissions(file));
                server.chmod(false, true);
                modes.add(Files.getPosixFilePermissions(file));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThrows(IllegalArgumentException.class, () -> server.chmod(false, false));
            server.close();
        });
        assertEquals(PosixFilePermissions.fromString("rw-------"), modes.get(0));
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), modes.get(1), "readable: r for all");
        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), modes.get(2), "writable: w for all, nothing taken away");
    }

    // ------------------------------------------------------------------ abstract names (libuv 1.46+)

    private static boolean libuvAtLeast(int major, int minor) {
        String[] v = EventLoop.libuvVersion().split("\\.");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        return ma > major || (ma == major && mi >= minor);
    }

    @Test
    void abstractNamesWorkFromLibuv146AndAreRefusedCleanlyBefore() {
        assumeTrue(Platform.OS == Platform.Os.LINUX, "abstract socket names are Linux's");
        boolean supported = libuvAtLeast(1, 46);
        assertEquals(supported, Uv.hasPipeNamesWithLength(), "uv_pipe_bind2 is there from 1.46 on");
        String name = "\0juv-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        if (!supported) {
            Loops.run(loop -> {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> loop.listenPipe(name, (p, d) -> { }));
                assertTrue(e.getMessage().contains("1.46"), e.getMessage());
                assertTrue(e.getMessage().contains(EventLoop.libuvVersion()), e.getMessage());
                assertThrows(UnsupportedOperationException.class, () -> loop.connectPipe(name, (p, d) -> { }));
                LoopStats st = loop.stats();
                assertEquals(0, st.openHandles(), () -> "handles after a refused abstract name: " + st.handles());
                assertEquals(0, st.pendingRequests());
            });
            return;
        }
        String[] names = new String[3];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            PipeServer server = loop.listenPipe(name, new PipeHandler() {
                @Override public void onConnect(Pipe p) { names[0] = p.localName(); }
                @Override public void onData(Pipe p, ByteBuffer d) { p.write(Loops.bytes(d)); }
            });
            UvException taken = assertThrows(UvException.class, () -> loop.listenPipe(name, (p, d) -> { }));
            assertEquals(ErrorKind.ADDRESS_IN_USE, taken.kind());
            loop.connectPipe(name, new PipeHandler() {
                @Override public void onConnect(Pipe p) {
                    names[1] = p.peerName();
                    p.write("abstract");
                }
                @Override public void onData(Pipe p, ByteBuffer d) {
                    names[2] = utf8(d);
                    p.close();
                    server.close();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(name, names[0], "the name keeps its leading NUL");
        assertEquals(name, names[1]);
        assertEquals("abstract", names[2]);
    }

    // ------------------------------------------------------------------ adopted descriptors

    @Test
    void bothEndsOfASocketPairAdopted() {
        int[] fds = Pipe.socketPair();
        assertEquals(2, fds.length);
        String[] got = new String[2];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            Pipe a = Pipe.open(loop, fds[0], false, new PipeHandler() {
                @Override public void onConnect(Pipe p) { p.write("ping"); }
                @Override public void onData(Pipe p, ByteBuffer d) {
                    got[1] = utf8(d);
                    p.close();
                    wd[0].cancel();
                }
            });
            Pipe b = Pipe.open(loop, fds[1], false, (p, d) -> {
                got[0] = utf8(d);
                p.write("pong");
            });
            assertTrue(a.isConnected());
            assertTrue(b.isConnected());
            assertFalse(a.isIpc());
            assertEquals("", a.localName(), "a socket pair has no names");
            assertEquals("", b.peerName());
            // The loop owns the descriptor now: a second adoption is refused, and leaves nothing open.
            UvException twice = assertThrows(UvException.class, () -> Pipe.open(loop, fds[0], false, (p, d) -> { }));
            assertEquals("EEXIST", twice.errorName());
        });
        wd[0].assertNotFired();
        assertEquals("ping", got[0]);
        assertEquals("pong", got[1]);
    }

    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    /** A TCP socket connected to 127.0.0.1:port, made with plain libc calls (blocking: loopback answers from the backlog). */
    private static int connectedTcpFd(int port) throws Throwable {
        MethodHandle socket = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle connect = libc("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        int fd = (int) socket.invokeExact(Platform.AF_INET, Platform.SOCK_STREAM, 0);
        assertTrue(fd >= 0, "socket()");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Platform.SOCKADDR_STORAGE);
            assertTrue(Addresses.parse(arena, "127.0.0.1", port, sa));
            int rc = (int) connect.invokeExact(fd, sa, 16); // sizeof(struct sockaddr_in)
            assertEquals(0, rc, "connect()");
        }
        return fd;
    }

    private static int openFile(Path file) throws Throwable {
        MethodHandle open = libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open.invokeExact(arena.allocateFrom(file.toString()), 0); // O_RDONLY
            assertTrue(fd >= 0, "open()");
            return fd;
        }
    }

    private static void closeFd(int fd) throws Throwable {
        int rc = (int) libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(fd);
        assertEquals(0, rc);
    }

    @Test
    void aTcpDescriptorAdopted() throws Throwable {
        assumeTrue(Platform.SOCKETS_ARE_FDS, "a libc socket is a descriptor");
        String[] echoed = {null};
        int[] remotePort = {0}, serverPort = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Throwable[] thrown = new Throwable[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = Loops.echoServer(loop);
            serverPort[0] = server.port();
            int fd;
            try {
                fd = connectedTcpFd(server.port());
            } catch (Throwable t) {
                thrown[0] = t;
                server.close();
                return;
            }
            TcpSocket s = TcpSocket.open(loop, fd, new SocketHandler() {
                @Override public void onConnect(TcpSocket t) { t.write("adopted"); }
                @Override public void onData(TcpSocket t, ByteBuffer d) {
                    echoed[0] = utf8(d);
                    t.close();
                    server.close();
                    wd[0].cancel();
                }
            });
            remotePort[0] = s.remoteAddress().getPort();
            assertEquals(1, loop.stats().outgoingTcp());
        });
        assertNull(thrown[0]);
        wd[0].assertNotFired();
        assertEquals(serverPort[0], remotePort[0]);
        assertEquals("adopted", echoed[0]);
    }

    /** libuv would abort the process polling a regular file: such descriptors are refused up front. */
    @Test
    void descriptorsOfTheWrongKindAreRefusedAndLeaveNothingOpen() throws Throwable {
        assumeTrue(Platform.SOCKETS_ARE_FDS, "descriptors as on Unix");
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "not a socket");
        int fileFd = openFile(file);
        int[] pair = Pipe.socketPair();
        try {
            Loops.run(loop -> {
                assertThrows(IllegalArgumentException.class, () -> Pipe.open(loop, fileFd, false, (p, d) -> { }));
                assertThrows(IllegalArgumentException.class, () -> TcpSocket.open(loop, fileFd, (s, d) -> { }));
                assertThrows(IllegalArgumentException.class, () -> TcpSocket.open(loop, pair[0], (s, d) -> { }));
                IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Pipe.open(loop, -1, false, (p, d) -> { }));
                assertTrue(bad.getMessage().contains("-1"), bad.getMessage());
                LoopStats st = loop.stats();
                assertEquals(0, st.openHandles(), () -> "handles after refused descriptors: " + st.handles());
                assertEquals(0, st.outgoingTcp());
            });
        } finally {
            closeFd(fileFd);
            closeFd(pair[0]);
            closeFd(pair[1]);
        }
    }

    // ------------------------------------------------------------------ handles over IPC

    @Test
    void aTcpSocketPassedOverIpcIsServedByALoopOnAnotherThread() throws Exception {
        int[] fds = Pipe.socketPair();
        AtomicReference<Throwable> workerFailure = new AtomicReference<>();
        long[] workerCounts = new long[2]; // handles received, bytes read on the IPC pipe
        String[] answer = {null};
        UvException[] sendError = {null};
        boolean[] sendDone = {false}, sentClosedAtOnce = {false}, sentReadHere = {false}, sentClosedHere = {false};
        int[] queuedDuringSend = {-1};
        Thread worker = new Thread(() -> {
            try {
                Loops.run(loop -> {
                    Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
                    Pipe ipc = Pipe.open(loop, fds[1], true, new PipeHandler() {
                        @Override public void onData(Pipe p, ByteBuffer d) {
                            while (d.hasRemaining()) assertEquals(Pipe.HANDLE_BYTE, d.get());
                            workerCounts[1]++;
                        }
                        @Override public void onClose(Pipe p) {
                            workerCounts[0] = p.handlesReceived();
                            wd.cancel();
                        }
                    });
                    assertTrue(ipc.isIpc());
                    ipc.acceptHandles(new SocketHandler() {
                        @Override public void onData(TcpSocket s, ByteBuffer d) {
                            s.write("served on " + Thread.currentThread().getName() + ": " + utf8(d));
                        }
                    });
                });
            } catch (Throwable t) {
                workerFailure.set(t);
            }
        }, "juv-worker");
        worker.start();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            Pipe ipc = Pipe.open(loop, fds[0], true, (p, d) -> { });
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    ipc.sendHandle(s, (p, e) -> {
                        sendDone[0] = true;
                        sendError[0] = e;
                        ipc.close();
                        server[0].close();
                    });
                    sentClosedAtOnce[0] = s.isClosed();
                    queuedDuringSend[0] = ipc.queuedWrites();
                    // Handed over: writes here are refused, and never reach the client.
                    assertFalse(s.write("not from here"));
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { sentReadHere[0] = true; }
                @Override public void onClose(TcpSocket s) { sentClosedHere[0] = true; }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                final StringBuilder sb = new StringBuilder();
                @Override public void onConnect(TcpSocket s) { s.write("hello"); }
                @Override public void onData(TcpSocket s, ByteBuffer d) {
                    sb.append(utf8(d));
                    if (sb.toString().endsWith("hello")) {
                        answer[0] = sb.toString();
                        s.close();
                        wd[0].cancel();
                    }
                }
            });
        });
        worker.join(15_000);
        assertFalse(worker.isAlive());
        assertNull(workerFailure.get());
        wd[0].assertNotFired();
        assertTrue(sendDone[0]);
        assertNull(sendError[0]);
        assertTrue(sentClosedAtOnce[0], "a sent socket is closed to its sender at once");
        assertEquals(1, queuedDuringSend[0], "the handle's write is queued like any other");
        assertFalse(sentReadHere[0], "the sender reads nothing from a socket it handed over");
        assertTrue(sentClosedHere[0], "the sender's handle closes once sent");
        assertEquals("served on juv-worker: hello", answer[0]);
        assertEquals(1, workerCounts[0]);
        assertTrue(workerCounts[1] >= 1, "the handle's byte is read as data");
    }

    @Test
    void aHandleNobodyAcceptsIsClosed() {
        int[] fds = Pipe.socketPair();
        boolean[] clientSawEnd = {false};
        long[] received = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            Pipe sender = Pipe.open(loop, fds[0], true, (p, d) -> { });
            Pipe receiver = Pipe.open(loop, fds[1], true, new PipeHandler() {
                @Override public void onData(Pipe p, ByteBuffer d) {
                    received[0] = p.handlesReceived();
                    p.close();
                }
            });
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    sender.sendHandle(s, (p, e) -> {
                        assertNull(e);
                        server[0].close();
                    });
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onEnd(TcpSocket s) { clientSawEnd[0] = true; }
                @Override public void onError(TcpSocket s, UvException e) { clientSawEnd[0] = true; }
                @Override public void onClose(TcpSocket s) {
                    sender.close();
                    wd[0].cancel();
                }
            });
            assertNotNull(receiver);
        });
        wd[0].assertNotFired();
        assertEquals(1, received[0]);
        assertTrue(clientSawEnd[0], "with every copy of the socket closed, the client sees its end");
    }

    @Test
    void handlesTravelOnlyOverIpcPipesBetweenStreamsOfOneLoop() {
        assumeTrue(Platform.SOCKETS_ARE_FDS, "a libc socket is a descriptor");
        int[] plain = Pipe.socketPair(), ipc = Pipe.socketPair();
        Throwable[] thrown = new Throwable[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            List<Pipe> pipes = List.of(Pipe.open(loop, plain[0], false, (p, d) -> { }), Pipe.open(loop, plain[1], false, (p, d) -> { }),
                    Pipe.open(loop, ipc[0], true, (p, d) -> { }), Pipe.open(loop, ipc[1], true, (p, d) -> { }));
            Pipe notIpc = pipes.get(0), carrier = pipes.get(2);
            assertThrows(IllegalStateException.class, () -> notIpc.acceptHandles((s, d) -> { }));
            TcpServer server = Loops.echoServer(loop);
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    assertThrows(IllegalStateException.class, () -> notIpc.sendHandle(s, null));
                    assertFalse(s.isClosed(), "a refused send leaves the socket alone");
                    // A socket of another loop cannot travel through this one's pipe.
                    EventLoop other = EventLoop.create();
                    try {
                        TcpSocket foreign = TcpSocket.open(other, connectedTcpFd(server.port()), (t, d) -> { });
                        assertThrows(IllegalArgumentException.class, () -> carrier.sendHandle(foreign, null));
                        assertFalse(foreign.isClosed());
                        foreign.close();
                    } catch (Throwable t) {
                        thrown[0] = t;
                    } finally {
                        Loops.closeClean(other);
                    }
                    assertEquals(0, carrier.queuedWrites());
                    s.close();
                    pipes.forEach(Pipe::close);
                    server.close();
                    wd[0].cancel();
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
        });
        wd[0].assertNotFired();
        assertNull(thrown[0]);
    }

    // ------------------------------------------------------------------ after close

    @Test
    void everyPipeAndServerMethodAfterCloseIsATypedErrorOrJavaState() throws Exception {
        String path = path("closed.sock");
        int[] fds = Pipe.socketPair();
        Pipe[] kept = new Pipe[2];
        PipeServer[] server = new PipeServer[1];
        List<UvException> callbacks = new ArrayList<>();
        Throwable[] readerSaw = new Throwable[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            server[0] = echoServer(loop, path);
            server[0].close();
            assertPipeServerClosed(server[0]);
            Pipe ipc = Pipe.open(loop, fds[0], true, (p, d) -> { });
            Pipe other = Pipe.open(loop, fds[1], true, (p, d) -> { });
            kept[0] = ipc;
            kept[1] = other;
            other.close();
            ipc.closeNow();
            assertPipeClosed(ipc, callbacks);
            InputStream in = ipc.inputStream();
            readerSaw[0] = Loops.onOtherThread(() -> {
                try {
                    in.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // A socket offered to a closed pipe is refused and left as it was.
            TcpServer tcp = Loops.echoServer(loop);
            loop.connect("127.0.0.1", tcp.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    assertFalse(ipc.sendHandle(s, (p, e) -> callbacks.add(e)));
                    assertFalse(s.isClosed());
                    CompletableFuture<Void> f = ipc.sendHandleAsync(s);
                    assertTrue(f.isCompletedExceptionally());
                    s.close();
                    tcp.close();
                    wd[0].cancel();
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
        });
        wd[0].assertNotFired();
        assertInstanceOf(java.io.UncheckedIOException.class, readerSaw[0], "a reader of a closed pipe is not left waiting");
        assertTrue(callbacks.size() >= 2);
        for (UvException e : callbacks) assertEquals(ErrorKind.SOCKET_CLOSED, e.kind());
        // Once the loop is closed too.
        assertPipeClosed(kept[0], new ArrayList<>());
        assertPipeServerClosed(server[0]);
        assertFalse(kept[1].hasRef());
        java.io.OutputStream out = kept[1].outputStream();
        Throwable writer = Loops.onOtherThread(() -> {
            try {
                out.write(1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertInstanceOf(java.io.UncheckedIOException.class, writer, "a writer to a pipe of a closed loop gets an IOException");
    }

    private static void assertPipeClosed(Pipe p, List<UvException> callbacks) {
        assertTrue(p.isClosed());
        assertFalse(p.isConnected());
        assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, p::localName).kind());
        assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, p::peerName).kind());
        assertFalse(p.write("x", (s, e) -> callbacks.add(e)));
        assertFalse(p.write(new byte[1]));
        assertFalse(p.write(ByteBuffer.allocate(1)));
        assertTrue(p.writeAsync("x").isCompletedExceptionally());
        assertFalse(p.writable());
        assertEquals(0, p.queuedWrites());
        assertEquals(0, p.queuedBytes());
        assertEquals(0, p.writeQueueSize());
        assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, () -> p.readTimeout(Duration.ofSeconds(1))).kind());
        assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, () -> p.writeTimeout(Duration.ofSeconds(1))).kind());
        p.shutdown();
        p.pause();
        p.resume();
        p.allowHalfOpen(true);
        p.ref();
        p.unref();
        p.hasRef();
        p.acceptHandles(null);
        p.waterMarks(1, 2);
        assertEquals(2, p.highWaterMark());
        assertNull(p.attach("x"));
        assertEquals("x", p.attach(null));
        assertFalse(p.isReadEnded());
        assertFalse(p.isPaused(), "resume() was the last word");
        p.close();
        p.closeNow();
        assertTrue(p.isIpc());
        assertFalse(p.isIncoming());
        assertEquals(0, p.handlesReceived());
        assertTrue(p.toString().contains("closed"));
    }

    private static void assertPipeServerClosed(PipeServer s) {
        assertTrue(s.isClosed());
        assertTrue(s.name().endsWith("closed.sock"));
        assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, () -> s.chmod(true, true)).kind());
        assertEquals(0, s.acceptedCount());
        assertEquals(0, s.acceptErrorCount());
        s.ref();
        s.unref();
        s.hasRef();
        s.close();
        assertTrue(s.toString().contains("closed"));
    }

    @Test
    void aReadViewKeptPastCloseThrows() {
        String path = path("view.sock");
        ByteBuffer[] kept = new ByteBuffer[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            PipeServer server = loop.listenPipe(path, (p, d) -> {
                kept[0] = d;
                assertTrue(d.isReadOnly());
                p.close();
            });
            loop.connectPipe(path, new PipeHandler() {
                @Override public void onConnect(Pipe p) { p.write("keep me"); }
                @Override public void onData(Pipe p, ByteBuffer d) { }
                @Override public void onClose(Pipe p) {
                    server.close();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertNotNull(kept[0]);
        assertThrows(IllegalStateException.class, () -> kept[0].get(0));
    }
}
