package io.juv.tty;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.StreamHandler;
import io.juv.UvException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * TtyTest's program, run inside a terminal (script -qc gives it a pseudo-terminal):
 * <ul>
 * <li>{@code probe}: prints what descriptors 0, 1 and 2 are ({@link DescriptorType}).</li>
 * <li>{@code echo}: opens stdin and stdout as Ttys, prints the window size, goes raw, prints
 *     READY, reads one line key by key (up to CR or LF), echoes it, closes both and reports what
 *     each method of a closed Tty does.</li>
 * <li>{@code exit-raw}: goes raw and ends the JVM with System.exit while the Tty is open, so that
 *     only the shutdown hook can put the terminal back.</li>
 * </ul>
 */
public final class TtyMain {

    private TtyMain() {}

    public static void main(String[] args) {
        switch (args[0]) {
            case "probe" -> {
                for (int fd = 0; fd <= 2; fd++) System.out.println("fd" + fd + " " + DescriptorType.of(fd));
            }
            case "echo" -> echo();
            case "exit-raw" -> EventLoop.start(loop -> {
                Tty in = Tty.stdin(loop, (t, d) -> { });
                in.mode(TtyMode.RAW);
                System.out.println("raw, exiting");
                System.exit(0);
            });
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void echo() {
        List<String> report = new ArrayList<>();
        Tty[] ttys = new Tty[2];
        EventLoop.start(loop -> {
            StringBuilder line = new StringBuilder();
            Tty out = Tty.stdout(loop, (t, d) -> { });
            Tty in = Tty.stdin(loop, new StreamHandler<Tty>() {
                @Override public void onData(Tty t, ByteBuffer data) {
                    while (data.hasRemaining()) {
                        char c = (char) data.get();
                        if (c == '\r' || c == '\n') {
                            out.write("echo: " + line + "\n", (s, e) -> {
                                t.close();
                                out.close();
                            });
                            t.pause();
                            return;
                        }
                        line.append(c);
                    }
                }
            });
            ttys[0] = in;
            ttys[1] = out;
            WindowSize size = out.windowSize();
            out.write("size " + size.width() + "x" + size.height() + "\n");
            out.write("readable " + in.isReadable() + " " + out.isReadable() + "\n");
            try {
                out.resume();
                report.add("resume on stdout: allowed");
            } catch (IllegalStateException e) {
                report.add("resume on stdout: refused");
            }
            in.mode(TtyMode.RAW);
            out.write("mode " + in.mode() + "\n");
            out.write("READY\n");
        });
        // The loop is closed: the Ttys are closed and their memory freed. Every method answers from Java state or throws a typed error.
        Tty in = ttys[0];
        report.add("closed " + in.isClosed() + " " + ttys[1].isClosed());
        report.add("mode after close " + in.mode());
        report.add("fd after close " + in.fd());
        report.add(attempt("windowSize", in::windowSize));
        report.add(attempt("mode(NORMAL)", () -> in.mode(TtyMode.NORMAL)));
        report.add(attempt("write", () -> in.write("x")));
        report.add(attempt("resetMode", Tty::resetMode));
        report.add("toString " + in);
        for (String r : report) System.out.println(r);
        System.out.println("DONE");
    }

    private static String attempt(String what, Runnable r) {
        try {
            r.run();
            return what + ": ok";
        } catch (UvException e) {
            return what + ": " + (e.kind() == ErrorKind.SOCKET_CLOSED ? "SOCKET_CLOSED" : e.toString());
        } catch (RuntimeException e) {
            return what + ": " + e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

}
