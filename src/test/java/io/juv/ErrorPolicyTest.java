package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.bindings.uv_h;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ErrorPolicyTest {

    /** Makes one kind of callback throw {@code boom}; adds to {@code cleanup} what to close once it was caught. */
    @FunctionalInterface
    interface Arrangement {
        void arrange(EventLoop loop, RuntimeException boom, List<Runnable> cleanup);
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static SocketHandler quiet() {
        return (s, d) -> { };
    }

    static Stream<Arguments> callbacks() {
        return Stream.of(
                kind("start callback", (loop, boom, cleanup) -> {
                    throw boom;
                }),
                kind("timer", (loop, boom, cleanup) -> loop.delay(ms(1), () -> {
                    throw boom;
                })),
                kind("interval", (loop, boom, cleanup) -> {
                    int[] ticks = {0};
                    Timer t = loop.interval(ms(2), x -> {
                        if (++ticks[0] == 1) throw boom;
                    });
                    cleanup.add(t::cancel);
                }),
                kind("onData", (loop, boom, cleanup) -> {
                    TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> {
                        throw boom;
                    });
                    loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                        @Override public void onConnect(TcpSocket s) {
                            s.write("x");
                            cleanup.add(s::close);
                        }
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                    });
                    cleanup.add(server::close);
                }),
                kind("onConnect of an accepted socket", (loop, boom, cleanup) -> {
                    TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                        @Override public void onConnect(TcpSocket s) {
                            throw boom;
                        }
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                    });
                    loop.connect("127.0.0.1", server.port(), quiet()).thenAccept(s -> cleanup.add(s::close));
                    cleanup.add(server::close);
                }),
                kind("onConnect of a client", (loop, boom, cleanup) -> {
                    TcpServer server = loop.listen("127.0.0.1", 0, quiet());
                    loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                        @Override public void onConnect(TcpSocket s) {
                            cleanup.add(s::close);
                            throw boom;
                        }
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                    });
                    cleanup.add(server::close);
                }),
                kind("onClose", (loop, boom, cleanup) -> {
                    TcpServer server = loop.listen("127.0.0.1", 0, quiet());
                    loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                        @Override public void onConnect(TcpSocket s) { s.close(); }
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                        @Override public void onClose(TcpSocket s) {
                            throw boom;
                        }
                    });
                    cleanup.add(server::close);
                }),
                kind("onError", (loop, boom, cleanup) -> {
                    CompletableFuture<TcpSocket> f = loop.connect("127.0.0.1", Loops.closedPort(), new SocketHandler() {
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                        @Override public void onError(TcpSocket s, UvException e) {
                            throw boom;
                        }
                    });
                    cleanup.add(() -> assertTrue(f.isCompletedExceptionally(), "the connect future was left pending"));
                }),
                kind("write callback", (loop, boom, cleanup) -> {
                    TcpServer server = loop.listen("127.0.0.1", 0, quiet());
                    loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                        @Override public void onConnect(TcpSocket s) {
                            cleanup.add(s::close);
                            s.write(new byte[200_000], (x, e) -> { // larger than juv's try-write: completes from the loop
                                throw boom;
                            });
                        }
                        @Override public void onData(TcpSocket s, ByteBuffer d) { }
                    });
                    cleanup.add(server::close);
                }),
                kind("signal handler", (loop, boom, cleanup) -> {
                    loop.onSignal(Signal.USR1, sig -> {
                        throw boom;
                    });
                    cleanup.add(loop::clearSignals);
                    assertEquals(0, uv_h.uv_kill(uv_h.uv_os_getpid(), Signal.USR1.number()));
                }),
                kind("execute task", (loop, boom, cleanup) -> {
                    Timer keepAlive = loop.delay(Duration.ofSeconds(5), () -> { });
                    cleanup.add(keepAlive::cancel);
                    Throwable t = Loops.onOtherThread(() -> loop.execute(() -> {
                        throw boom;
                    }));
                    assertEquals(null, t);
                })
        );
    }

    private static Arguments kind(String name, Arrangement a) {
        return Arguments.of(Named.of(name, a));
    }

    @ParameterizedTest(name = "caught from the {0}")
    @MethodSource("callbacks")
    void withCatchingOnTheHandlerGetsTheErrorAndTheLoopRunsOn(Arrangement arrangement) {
        RuntimeException boom = new RuntimeException("boom");
        List<Throwable> caught = new ArrayList<>();
        boolean[] laterTimerFired = {false};
        List<Runnable> cleanup = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            loop.catchErrors(t -> {
                caught.add(t);
                if (caught.size() == 1) {
                    loop.delay(ms(20), () -> {
                        laterTimerFired[0] = true;
                        cleanup.forEach(Runnable::run);
                        wd[0].cancel();
                    });
                }
            });
            arrangement.arrange(loop, boom, cleanup);
        });
        wd[0].assertNotFired();
        assertEquals(1, caught.size(), () -> "caught: " + caught);
        assertSame(boom, caught.get(0));
        assertTrue(laterTimerFired[0], "the loop stopped after the error");
    }

    @ParameterizedTest(name = "rethrown from the {0}")
    @MethodSource("callbacks")
    void withCatchingOffTheErrorStopsTheLoopAndRunRethrowsIt(Arrangement arrangement) {
        RuntimeException boom = new RuntimeException("boom");
        EventLoop loop = EventLoop.create();
        try {
            Timer[] openTimer = new Timer[1];
            long t0 = System.nanoTime();
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> loop.run(l -> {
                openTimer[0] = l.delay(Duration.ofSeconds(5), () -> { }); // would keep the loop up, if not closed
                arrangement.arrange(l, boom, new ArrayList<>());
            }));
            assertSame(boom, thrown);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "run waited for the open timer");
            assertFalse(openTimer[0].isActive(), "the stop did not close the other handles");
            assertEquals(0, loop.stats().openHandles(),
                    () -> "run() returned with handles whose close callbacks never ran: " + loop.stats().handles());
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void connectionSurvivesAnExceptionFromOnData() {
        List<Throwable> caught = new ArrayList<>();
        StringBuilder echoed = new StringBuilder();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            loop.catchErrors(caught::add);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> {
                s.write(Loops.bytes(d));
                throw new IllegalStateException("after echo");
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.write("a"); }
                @Override public void onData(TcpSocket s, ByteBuffer d) {
                    echoed.append(StandardCharsets.UTF_8.decode(d));
                    if (echoed.length() == 1) {
                        s.write("b");
                    } else {
                        s.close();
                        server.close();
                        wd[0].cancel();
                    }
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals("ab", echoed.toString());
        assertEquals(2, caught.size());
    }

    @Test
    void anErrorFromAnExitHookGoesToTheHandler() {
        RuntimeException boom = new RuntimeException("hook");
        List<Throwable> caught = new ArrayList<>();
        boolean[] secondHookRan = {false};
        Loops.run(loop -> {
            loop.catchErrors(caught::add);
            loop.onExit(() -> {
                throw boom;
            });
            loop.onExit(() -> secondHookRan[0] = true);
        });
        assertEquals(List.of(boom), caught);
        assertTrue(secondHookRan[0]);
    }

    @Test
    void anErrorIsRethrownAsIsAndExitHooksStillRun() {
        AssertionError boom = new AssertionError("an Error, not an exception");
        boolean[] hookRan = {false};
        EventLoop loop = EventLoop.create();
        try {
            AssertionError thrown = assertThrows(AssertionError.class, () -> loop.run(l -> {
                l.onExit(() -> hookRan[0] = true);
                l.delay(ms(1), () -> {
                    throw boom;
                });
            }));
            assertSame(boom, thrown);
            assertTrue(hookRan[0], "onExit hooks run when the loop stops on an error");
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void aSecondErrorInTheSameIterationIsSuppressedIntoTheFirst() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second");
        EventLoop loop = EventLoop.create();
        try {
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> loop.run(l -> {
                l.delay(ms(5), () -> {
                    throw first;
                });
                l.delay(ms(5), () -> {
                    throw second;
                });
            }));
            assertSame(first, thrown);
            assertEquals(List.of(second), List.of(thrown.getSuppressed()));
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void anErrorFromTheErrorHandlerStopsTheLoop() {
        RuntimeException boom = new RuntimeException("boom");
        RuntimeException inHandler = new RuntimeException("handler failed");
        EventLoop loop = EventLoop.create();
        try {
            Timer[] interval = new Timer[1];
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> loop.run(l -> {
                l.catchErrors(t -> {
                    throw inHandler;
                });
                interval[0] = l.interval(ms(1), t -> { });
                l.delay(ms(1), () -> {
                    throw boom;
                });
            }));
            assertSame(inHandler, thrown);
            assertSame(boom, thrown.getSuppressed()[0]);
            assertFalse(interval[0].isActive());
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void catchErrorsFalseRestoresTheDefault() {
        RuntimeException boom = new RuntimeException("boom");
        EventLoop loop = EventLoop.create();
        try {
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> loop.run(l -> {
                assertSame(l, l.catchErrors(t -> { }));
                l.catchErrors(false);
                l.delay(ms(1), () -> {
                    throw boom;
                });
            }));
            assertSame(boom, thrown);
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void theLoopRunsAgainAfterAFailure() {
        EventLoop loop = EventLoop.create();
        try {
            RuntimeException boom = new RuntimeException("boom");
            assertSame(boom, assertThrows(RuntimeException.class, () -> loop.run(l -> l.delay(ms(1), () -> {
                throw boom;
            }))));
            boolean[] fired = {false};
            loop.run(l -> l.delay(ms(1), () -> fired[0] = true));
            assertTrue(fired[0], "the loop did not run after a failure");
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }
}
