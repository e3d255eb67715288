package io.juv.tty;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Test support: a pseudo-terminal pair made in this process with libc (posix_openpt, grantpt,
 * unlockpt, ptsname, open), so a Tty can be opened on its slave side inside the test JVM, and the
 * test types on the master side. Linux only ({@link #available()}); the caller closes both ends.
 */
public record Pty(int master, int slave, String name) implements AutoCloseable {

    private static final Linker C = Linker.nativeLinker();
    private static final SymbolLookup LIBC = C.defaultLookup();
    private static final boolean LINUX = System.getProperty("os.name").toLowerCase().contains("linux");

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... options) {
        return C.downcallHandle(LIBC.find(name).orElseThrow(), d, options);
    }

    private static final int O_RDWR = 2, O_NOCTTY = 0400;
    /** Linux's TIOCSWINSZ (asm-generic/ioctls.h). */
    private static final long TIOCSWINSZ = 0x5414;

    public static boolean available() {
        return LINUX && new java.io.File("/dev/ptmx").exists();
    }

    public static Pty open() {
        try (Arena arena = Arena.ofConfined()) {
            int master = (int) fn("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(O_RDWR | O_NOCTTY);
            if (master < 0) throw new IllegalStateException("posix_openpt failed");
            if ((int) fn("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(master) != 0
                    || (int) fn("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(master) != 0) {
                throw new IllegalStateException("grantpt/unlockpt failed");
            }
            MemorySegment n = (MemorySegment) fn("ptsname", FunctionDescriptor.of(ADDRESS, JAVA_INT)).invokeExact(master);
            String name = n.reinterpret(256).getString(0);
            int slave = (int) fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2))
                    .invokeExact(arena.allocateFrom(name), O_RDWR | O_NOCTTY);
            if (slave < 0) throw new IllegalStateException("open " + name + " failed");
            return new Pty(master, slave, name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets the terminal's window size, as a terminal emulator does when its window is resized. */
    public void size(int cols, int rows) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(8); // struct winsize: rows, cols, xpixel, ypixel (unsigned short each)
            ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
            int rc = (int) fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2))
                    .invokeExact(master, TIOCSWINSZ, ws);
            if (rc != 0) throw new IllegalStateException("ioctl(TIOCSWINSZ) failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Types bytes into the terminal (writes them on the master side). */
    public void type(byte[] keys) {
        try (Arena arena = Arena.ofConfined()) {
            long n = (long) fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG))
                    .invokeExact(master, arena.allocateFrom(ValueLayout.JAVA_BYTE, keys), (long) keys.length);
            if (n != keys.length) throw new IllegalStateException("wrote " + n + " of " + keys.length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reads what the program wrote to the terminal, up to max bytes (blocks until some is there). */
    public byte[] read(int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(max);
            long n = (long) fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)).invokeExact(master, buf, (long) max);
            if (n < 0) throw new IllegalStateException("read failed");
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        MethodHandle close = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try {
            int a = (int) close.invokeExact(slave);
            int b = (int) close.invokeExact(master);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
