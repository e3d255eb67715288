package io.juv.reliability.fuzz;

import io.juv.EventLoop;
import io.juv.Stream;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.reliability.LeakGate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an example's main in a JVM of its own, as {@code make example} does, and answers on
 * standard input for its loop: {@code gate} prints the loop's {@link LeakGate} and what it has
 * queued to write ({@code gate handles=.. requests=.. table=.. native=.. fds=.. queued=.. errors=..}),
 * {@code exit} ends the loop. The example itself is not changed: its loop is found in juv's
 * registry of loops, and its error policy is wrapped so that every error a callback threw is
 * counted (and still printed), which is how the fuzzer sees a server that failed without dying.
 *
 * <p>{@code java io.juv.reliability.fuzz.FuzzTarget io.juv.examples.Echo --port 0}
 */
public final class FuzzTarget {

    private FuzzTarget() {}

    public static void main(String[] args) throws Exception {
        Class<?> example = Class.forName(args[0]);
        String[] exampleArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        Method main = example.getMethod("main", String[].class);
        Thread server = new Thread(() -> {
            try {
                main.invoke(null, (Object) exampleArgs);
            } catch (Throwable t) {
                System.out.println("example failed: " + t);
                t.printStackTrace(System.out);
            }
            System.out.println("example ended");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }, "example");
        server.start();
        EventLoop loop = findLoop(server);
        AtomicLong errors = new AtomicLong();
        loop.execute(() -> loop.catchErrors(t -> {
            errors.incrementAndGet();
            System.out.println("callback error: " + t);
            t.printStackTrace(System.out);
        }));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "gate" -> loop.execute(() -> {
                    LeakGate g = LeakGate.of(loop);
                    long queued = 0;
                    for (HandleBase h : LoopCore.of(loop).handles()) if (h instanceof Stream s) queued += s.queuedBytes();
                    System.out.println("gate handles=" + g.handles() + " requests=" + g.requests() + " table=" + g.tableEntries()
                            + " native=" + g.nativeBytes() + " fds=" + g.fds() + " queued=" + queued + " errors=" + errors.get());
                    System.out.flush();
                });
                case "exit" -> loop.execute(loop::exit);
                default -> System.out.println("unknown command: " + line);
            }
        }
        loop.execute(loop::exit); // the test went away
    }

    /**
     * The loop the example's thread made, from juv's registry of loops (HandleTable's array of
     * LoopCore, each holding its EventLoop): reflection, because nothing public should list them.
     */
    private static EventLoop findLoop(Thread owner) throws Exception {
        Class<?> table = Class.forName("io.juv.internal.HandleTable");
        Field loops = table.getDeclaredField("loops");
        loops.setAccessible(true);
        Field api = LoopCore.class.getDeclaredField("api");
        api.setAccessible(true);
        Field ownerField = LoopCore.class.getDeclaredField("owner");
        ownerField.setAccessible(true);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Object core : (Object[]) loops.get(null)) {
                // Registered from the core's constructor: the EventLoop is ready once it holds its core.
                if (core != null && ownerField.get(core) == owner && api.get(core) instanceof EventLoop loop
                        && LoopCore.of(loop) != null) return loop;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the example made no loop on its thread within 30 s");
    }
}
