package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.ErrorKind;
import io.juv.StreamServer;
import io.juv.UvException;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in a JVM of its own, under a lowered fd limit, by {@link FdExhaustionTest}: a juv TCP server
 * on the thread "juv-loop" that greets each connection with "hi" and keeps it open, and commands
 * on standard input that use up the process's file descriptors and give them back.
 *
 * <p>Modes (the first argument): {@code reserve} starts the server, then takes every free fd
 * but {@code args[1]}: libuv's own spare fd is there, and sheds the storm. {@code noreserve}
 * leaves libuv's spare useless, as when another thread takes the fd its emfile trick frees:
 * libuv's spare and the socket get the two highest fds, the soft limit goes below them (closing
 * that spare frees nothing an accept may use), and one greeted connection lets the server take
 * its own spare below the limit before every fd is taken again ({@code noreserve pipe PATH}: the
 * same with a pipe server on a Unix socket at PATH, libuv's spare placed above the limit first). {@code resources PATH}: file
 * opens and spawns out of fds (see {@link #resources}). Commands on standard input: {@code cpu}
 * (the loop thread's CPU time so far, in ns), {@code stats}, {@code release} (closes every filler),
 * {@code close} (closes the server, every connection it holds and the loop, then prints "closed ok"
 * if the loop left nothing behind and the process holds the fds it held before the loop was made,
 * or "closed failed: ...").
 */
public final class FdExhaustionMain {

    private static final Deque<FileInputStream> fillers = new ArrayDeque<>();
    private static final AtomicLong reports = new AtomicLong();
    private static final List<String> reportTimes = new ArrayList<>();
    private static volatile StreamServer server;
    private static final long START = System.nanoTime();
    private static volatile long held;
    private static volatile CompletableFuture<Void> serverUp;
    /** The connections the greeter holds open, touched on the loop thread only. */
    private static final List<io.juv.Stream> connections = new ArrayList<>();

    private FdExhaustionMain() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("resources")) {
            resources(java.nio.file.Path.of(args[1]));
            return;
        }
        String pipePath = args.length > 2 && args[1].equals("pipe") ? args[2] : null;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CompletableFuture<EventLoop> made = new CompletableFuture<>();
        CompletableFuture<io.juv.Timer> keepAlive = new CompletableFuture<>();
        CompletableFuture<String> loopEnd = new CompletableFuture<>();
        serverUp = new CompletableFuture<>();
        // A first server and connection, on a loop of their own (libuv keeps its reserve fd per
        // loop, from the loop's first stream), load every class the real one uses (loading a
        // class opens its file), and open what the JVM opens lazily before the fds are counted.
        EventLoop.start(warm -> {
            TcpServer first = TcpServer.listen(warm, "127.0.0.1", 0, io.juv.net.ListenOptions.DEFAULT, greeter());
            warm.connect("127.0.0.1", first.port(), new SocketHandler() {
                @Override
                public void onData(TcpSocket s, java.nio.ByteBuffer data) {
                    s.close();
                    first.close();
                }
            });
            if (pipePath == null) return;
            io.juv.net.PipeServer firstPipe = io.juv.net.PipeServer.listen(warm, pipePath + ".warm", greeter());
            warm.connectPipe(pipePath + ".warm", new io.juv.StreamHandler<io.juv.net.Pipe>() {
                @Override
                public void onData(io.juv.net.Pipe p, java.nio.ByteBuffer data) {
                    p.close();
                    firstPipe.close();
                }
            });
        });
        // The JDK's sockets keep a descriptor of their own from their first use (a socket to
        // "pre-close" with), and its Unix sockets the random devices.
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, loopback); java.net.Socket c = new java.net.Socket(loopback, ss.getLocalPort())) {
            c.getLocalPort();
        }
        if (pipePath != null) {
            java.net.UnixDomainSocketAddress warmAddress = java.net.UnixDomainSocketAddress.of(pipePath + ".jdk");
            try (java.nio.channels.ServerSocketChannel ss = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).bind(warmAddress);
                 java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(warmAddress)) {
                c.isConnected();
            } finally {
                java.nio.file.Files.deleteIfExists(warmAddress.getPath());
            }
        }
        long fdsBefore = LeakGate.openFds();
        String fdTargetsBefore = openFdTargets();
        // The loop runs until "close"; an interval keeps it alive while the server is not up yet.
        Thread loopThread = new Thread(() -> {
            try {
                EventLoop.start(loop -> {
                    keepAlive.complete(loop.interval(java.time.Duration.ofHours(1), t -> { }));
                    made.complete(loop);
                });
                loopEnd.complete("");
            } catch (Throwable e) {
                loopEnd.complete("the loop failed: " + e);
            }
        }, "juv-loop");
        loopThread.setDaemon(true);
        loopThread.start();
        EventLoop loop = made.get();
        warmUp(threads, loopThread);
        say("libuv " + EventLoop.libuvVersion());

        Runnable listen = () -> loop.execute(() -> {
            try {
                server = pipePath != null ? io.juv.net.PipeServer.listen(loop, pipePath, greeter())
                        : TcpServer.listen(loop, "127.0.0.1", 0, io.juv.net.ListenOptions.DEFAULT, greeter());
                serverUp.complete(null);
            } catch (Throwable e) {
                serverUp.completeExceptionally(e);
            }
        });

        if (mode.equals("reserve")) {
            listen.run();
            serverUp.get();
            fill();
            for (int i = Integer.parseInt(args[1]); i > 0 && !fillers.isEmpty(); i--) fillers.pop().close();
        } else if (pipePath != null) {
            // A pipe server opens its socket after juv's spare (at bind), so libuv's spare is put
            // above the limit first, alone: a connect with one fd free initialises a stream (libuv
            // takes its spare, the highest fd) and fails for want of a socket. Then the server,
            // juv's spare and the greeted connection get fds below the limit.
            fill();
            fillers.pop().close();
            CompletableFuture<Void> seeded = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.connect("127.0.0.1", 9, new SocketHandler() {
                        @Override
                        public void onData(TcpSocket s, java.nio.ByteBuffer data) {
                            // never connects
                        }
                    }).whenComplete((s, e) -> seeded.complete(null));
                } catch (RuntimeException e) {
                    seeded.complete(null);
                }
            });
            seeded.get();
            setSoftLimit(softLimit() - 1);
            for (int i = 0; i < 8; i++) fillers.removeLast().close(); // more than it takes: libuv 1.50 opens io_uring's fds lazily
            listen.run();
            serverUp.get();
            greeted(pipePath);
            Thread.sleep(200); // the server sees the end and closes its side
            fill();
        } else {
            // libuv's spare (opened with the loop's first stream) and the socket take the two
            // highest descriptors, and the soft limit goes below them: closing that spare frees
            // nothing an accept could use. juv's spare fails now and is taken again with the
            // first connection accepted, below the limit.
            fill();
            fillers.pop().close();
            fillers.pop().close();
            listen.run();
            serverUp.get();
            setSoftLimit(softLimit() - 2);
            for (int i = 0; i < 3; i++) fillers.removeLast().close();
            greeted(pipePath);
            Thread.sleep(200); // the server sees the end and closes its side
            fill();
        }
        say("filled " + fillers.size() + " limit " + softLimit());
        say(pipePath != null ? "listening on pipe " + pipePath : "listening on 127.0.0.1:" + ((TcpServer) server).port());
        say("loop thread " + loopThread.threadId());

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
                case "cpu" -> say("cpu " + threads.getThreadCpuTime(loopThread.threadId()));
                case "stats" -> {
                    synchronized (reportTimes) {
                        say("stats accepted=" + server.acceptedCount() + " errors=" + server.acceptErrorCount()
                                + " reports=" + reports.get() + " held=" + held + " times=" + reportTimes);
                    }
                }
                case "release" -> {
                    while (!fillers.isEmpty()) fillers.pop().close();
                    say("released");
                }
                case "close" -> {
                    loop.execute(() -> {
                        server.close();
                        for (io.juv.Stream s : List.copyOf(connections)) s.close();
                        keepAlive.join().cancel();
                    });
                    String failure = loopEnd.get();
                    LeakGate after = LeakGate.of(loop);
                    long fds = LeakGate.openFds();
                    List<String> problems = new ArrayList<>();
                    if (!failure.isEmpty()) problems.add(failure);
                    if (after.handles() != 0 || after.requests() != 0 || after.tableEntries() != 0 || after.nativeBytes() != 0) {
                        problems.add("the loop left " + after);
                    }
                    if (fds != fdsBefore) problems.add(fds + " fds open against " + fdsBefore + " before the loop: " + openFdTargets() + " against " + fdTargetsBefore);
                    say(problems.isEmpty() ? "closed ok" : "closed failed: " + problems);
                }
                default -> say("unknown command " + line);
            }
        }
    }

    /**
     * Mode {@code resources}: with no fd left, a file open and two spawns (one with a stdout pipe,
     * one with every stdio ignored) fail with TOO_MANY_OPEN_FILES and leave nothing behind; once
     * the fds are back each works. Prints "resources ok" or "resources failed: ...".
     */
    private static void resources(java.nio.file.Path file) {
        List<String> problems = new ArrayList<>();
        // A whole loop's life, and each failure path once, load the classes used while no fd is
        // left: loading a class from a directory of the class path opens its file.
        EventLoop.start(warm -> {
            warm.fs().open(file.resolveSibling("missing")).whenComplete((f, e) -> expectOutOfFds("warm", f, e, IGNORED));
            spawnMissing(warm, true);
            spawnMissing(warm, false);
        });
        LeakGate.openFds();
        EventLoop.start(loop -> {
            // First a round with fds to spare: the classes, the thread pool and libuv's pipes exist.
            round(loop, file, true, problems, () -> {
                LeakGate baseline = LeakGate.of(loop);
                fill();
                round(loop, file, false, problems, () -> {
                    while (!fillers.isEmpty()) closeQuietly(fillers.pop());
                    LeakGate after = LeakGate.of(loop);
                    if (!after.equals(baseline)) problems.add("left behind: " + after + " against " + baseline);
                    round(loop, file, true, problems, () -> {
                        LeakGate end = LeakGate.of(loop);
                        if (!end.equals(baseline)) problems.add("after working again: " + end + " against " + baseline);
                    });
                });
            });
        });
        say(problems.isEmpty() ? "resources ok" : "resources failed: " + problems);
    }

    /** Opens the file, then spawns "true" twice: each must work ({@code fdsLeft}) or fail with TOO_MANY_OPEN_FILES. */
    private static void round(EventLoop loop, java.nio.file.Path file, boolean fdsLeft, List<String> problems, Runnable then) {
        String when = fdsLeft ? "with fds left" : "out of fds";
        loop.fs().open(file).whenComplete((f, e) -> {
            if (fdsLeft && e != null) problems.add("open " + when + ": " + e);
            if (!fdsLeft) expectOutOfFds("open", f, e, problems);
            Runnable spawns = () -> {
                spawn(loop, true, fdsLeft, problems);
                spawn(loop, false, fdsLeft, problems);
                // The children exit by themselves; their exits are seen within the second.
                loop.delay(java.time.Duration.ofMillis(500), then);
            };
            if (f != null) f.close().whenComplete((v, ce) -> spawns.run());
            else spawns.run();
        });
    }

    private static void spawn(EventLoop loop, boolean pipe, boolean fdsLeft, List<String> problems) {
        io.juv.process.ProcessOptions.Builder options = io.juv.process.ProcessOptions.builder("true");
        options.stdin(io.juv.process.Stdio.ignore()).stderr(io.juv.process.Stdio.ignore());
        options.stdout(pipe ? io.juv.process.Stdio.pipe(new io.juv.StreamHandler<io.juv.net.Pipe>() {
            @Override
            public void onData(io.juv.net.Pipe p, java.nio.ByteBuffer data) {
                // "true" writes nothing
            }
        }) : io.juv.process.Stdio.ignore());
        String what = "spawn " + (pipe ? "with a pipe" : "without pipes");
        try {
            io.juv.process.Process p = loop.spawn(options.build(), (proc, exit) -> {
                if (!exit.isSuccess()) problems.add(what + " exited " + exit);
            });
            if (!fdsLeft) problems.add(what + " out of fds worked: " + p.pid());
        } catch (UvException e) {
            if (fdsLeft) problems.add(what + " with fds left: " + e);
            else expectOutOfFds(what, null, e, problems);
        }
    }

    private static void spawnMissing(EventLoop loop, boolean pipe) {
        try {
            io.juv.process.ProcessOptions.Builder options = io.juv.process.ProcessOptions.builder("/nonexistent/juv-warm-up");
            if (pipe) options.stdout(io.juv.process.Stdio.pipe(new io.juv.StreamHandler<io.juv.net.Pipe>() {
                @Override
                public void onData(io.juv.net.Pipe p, java.nio.ByteBuffer data) {
                    // never runs
                }
            }));
            loop.spawn(options.build());
        } catch (UvException expected) {
            expected.kind();
        }
    }

    private static void expectOutOfFds(String what, Object result, Throwable e, List<String> problems) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e;
        if (problems != IGNORED) say(what + " out of fds: " + (cause instanceof UvException u ? u.kind() + " " + u.getMessage() : cause));
        if (result != null) problems.add(what + " worked out of fds");
        else if (!(cause instanceof UvException u) || u.kind() != ErrorKind.TOO_MANY_OPEN_FILES) problems.add(what + " out of fds failed with " + cause);
    }

    private static final List<String> IGNORED = new ArrayList<>();

    private static void closeQuietly(FileInputStream f) {
        try {
            f.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One connection to the server, greeted with "hi" (a client socket of the JDK's, TCP or Unix). */
    private static void greeted(String pipePath) throws IOException {
        if (pipePath == null) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", ((TcpServer) server).port())) {
                if (!"hi".equals(new BufferedReader(new InputStreamReader(s.getInputStream())).readLine())) throw new IllegalStateException("no greeting");
            }
            return;
        }
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(pipePath))) {
            if (!"hi".equals(new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(c))).readLine())) {
                throw new IllegalStateException("no greeting");
            }
        }
    }

    /** Greets each connection with "hi" and keeps it; counts the accept errors reported. Serves TCP and pipes alike. */
    private static io.juv.StreamHandler<io.juv.Stream> greeter() {
        return new io.juv.StreamHandler<io.juv.Stream>() {
            @Override
            public void onData(io.juv.Stream s, java.nio.ByteBuffer data) {
                // a client says nothing here
            }

            @Override
            public void onEnd(io.juv.Stream s) {
                s.close();
            }

            @Override
            public void onClose(io.juv.Stream s) {
                connections.remove(s);
            }

            @Override
            public void onConnect(io.juv.Stream s) {
                held++;
                connections.add(s);
                s.write("hi\n");
            }

            @Override
            public void onAcceptError(StreamServer srv, UvException error) {
                long n = reports.incrementAndGet();
                if (n <= 50) {
                    synchronized (reportTimes) {
                        reportTimes.add(error.kind() + "@" + (System.nanoTime() - START) / 1_000_000);
                    }
                }
            }
        };
    }

    /** What each open fd is (Linux's /proc), for a failure's message. */
    private static String openFdTargets() {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return fd.getFileName() + "=" + java.nio.file.Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd.getFileName() + "=?";
                }
            }).sorted().toList().toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Opens /dev/null until the process has no fd left. */
    private static void fill() {
        while (true) {
            try {
                fillers.push(new FileInputStream("/dev/null"));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Loads what the commands and the server's callbacks use while no fd is left (a class file is opened to be loaded). */
    private static void warmUp(ThreadMXBean threads, Thread loopThread) throws IOException {
        threads.getThreadCpuTime(loopThread.threadId());
        for (Class<?> c : List.of(UvException.class, ErrorKind.class, StreamServer.class, TcpSocket.class, FdExhaustionMain.class)) {
            c.getName();
        }
        ErrorKind.values();
        new UvException(-24, "EMFILE", "warm up", ErrorKind.TOO_MANY_OPEN_FILES).kind();
        String.valueOf(reportTimes);
        try (FileInputStream f = new FileInputStream("/dev/null")) {
            f.available();
        }
        softLimit();
        say("warm " + ("x" + System.nanoTime()).length());
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("getrlimit").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle SETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("setrlimit").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    /** Linux's RLIMIT_NOFILE; this main runs on Linux only (the test says so). */
    private static final int RLIMIT_NOFILE = 7;
    private static final MemorySegment RLIMIT = Arena.global().allocate(16);

    private static long softLimit() {
        try {
            if ((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, RLIMIT) != 0) throw new IllegalStateException("getrlimit");
            return RLIMIT.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void setSoftLimit(long soft) {
        try {
            softLimit();
            RLIMIT.set(ValueLayout.JAVA_LONG, 0, soft);
            if ((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, RLIMIT) != 0) throw new IllegalStateException("setrlimit");
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
