package io.juv.internal;

import io.juv.ErrorKind;
import io.juv.UvException;

import java.lang.foreign.MemorySegment;

/**
 * The one place where libuv's negative return codes become exceptions.
 *
 * <p>Codes differ between platforms (they are errno values on Unix), so they are never
 * compared with constants: each code is named once at run time with {@code uv_err_name} and
 * {@code uv_strerror}, and the name decides its {@link ErrorKind}.
 */
public final class Errors {

    private record Described(String name, String message, ErrorKind kind) {}

    /** Codes are small negative numbers; named ones are cached by -code. */
    private static final int CACHED = 4096;
    private static final Described[] BY_CODE = new Described[CACHED + 1];

    static { LibUv.load(); }

    private Errors() {}

    /** Throws the mapped exception for a negative code; returns non-negative codes unchanged. */
    public static int check(int rc) {
        if (rc < 0) throw of(rc);
        return rc;
    }

    public static UvException of(long code) {
        Described d = describe((int) code);
        return new UvException((int) code, d.name, d.message, d.kind);
    }

    /** The mapped exception, its message saying what failed ("looking up example.org", say). */
    public static UvException of(long code, String what) {
        Described d = describe((int) code);
        return new UvException((int) code, d.name, d.message + " (" + what + ")", d.kind);
    }

    /** A lookup that succeeded with no address juv can use (none of TCP's families): as getaddrinfo's EAI_NONAME. */
    public static UvException hostNotFound(String what) {
        return new UvException(0, "EAI_NONAME", "no address (" + what + ")", ErrorKind.HOST_NOT_FOUND);
    }

    public static ErrorKind kindOf(long code) {
        return describe((int) code).kind;
    }

    /** UV_EOF, told apart without making an exception: a stream's end is no error. */
    public static boolean isEof(long code) {
        return describe((int) code).kind == ErrorKind.END_OF_STREAM;
    }

    /** EAGAIN: "try again later", which is no error for a non-blocking write. */
    static boolean isAgain(int code) {
        return describe(code).name.equals("EAGAIN");
    }

    /** Use of a handle that the program already closed. */
    public static UvException socketClosed(String what) {
        return new UvException(0, "ESOCKETCLOSED", what + " is closed", ErrorKind.SOCKET_CLOSED);
    }

    /** A signal to a child juv has seen exit: its pid may already be another process's, so juv sends nothing. */
    public static UvException processExited(String what) {
        return new UvException(0, "ESRCH", what + " has exited", ErrorKind.NO_SUCH_PROCESS);
    }

    /** Use of a file that the program already closed. */
    public static UvException fileClosed(String what) {
        return new UvException(0, "EFILECLOSED", what + " is closed", ErrorKind.FILE_CLOSED);
    }

    /** A timeout juv keeps itself (idle, connect): not libuv's, so code 0. */
    public static UvException timedOut(String message) {
        return new UvException(0, "ETIMEDOUT", message, ErrorKind.TIMED_OUT);
    }

    private static Described describe(int code) {
        if (code < 0 && code >= -CACHED) {
            Described d = BY_CODE[-code];
            if (d == null) BY_CODE[-code] = d = name(code);
            return d;
        }
        return name(code);
    }

    private static Described name(int code) {
        String name = cString(Uv.errName(code));
        String message = cString(Uv.strerror(code));
        return new Described(name, message, switch (name) {
            case "EOF" -> ErrorKind.END_OF_STREAM;
            case "ECONNREFUSED" -> ErrorKind.CONNECTION_REFUSED;
            case "ECONNRESET" -> ErrorKind.CONNECTION_RESET;
            case "ETIMEDOUT" -> ErrorKind.TIMED_OUT;
            case "EADDRINUSE" -> ErrorKind.ADDRESS_IN_USE;
            case "EMSGSIZE" -> ErrorKind.MESSAGE_TOO_LARGE;
            case "ENOENT" -> ErrorKind.NOT_FOUND;
            case "EPERM", "EACCES" -> ErrorKind.PERMISSION_DENIED;
            case "ESRCH" -> ErrorKind.NO_SUCH_PROCESS;
            case "EADDRNOTAVAIL", "ENETUNREACH", "EAFNOSUPPORT" -> ErrorKind.ADDRESS_NOT_AVAILABLE;
            case "EEXIST" -> ErrorKind.ALREADY_EXISTS;
            case "ENOTDIR" -> ErrorKind.NOT_A_DIRECTORY;
            case "EISDIR" -> ErrorKind.IS_A_DIRECTORY;
            case "ENOTEMPTY" -> ErrorKind.DIRECTORY_NOT_EMPTY;
            case "ELOOP" -> ErrorKind.TOO_MANY_LINKS;
            case "EMFILE", "ENFILE" -> ErrorKind.TOO_MANY_OPEN_FILES;
            case "ENOSPC", "EDQUOT" -> ErrorKind.NO_SPACE;
            case "EXDEV" -> ErrorKind.CROSS_DEVICE;
            // A lookup cancelled before it ran reports getaddrinfo's own EAI_CANCELED.
            case "ECANCELED", "EAI_CANCELED" -> ErrorKind.CANCELED;
            // getaddrinfo's own codes: the name has no address (of the family asked for).
            case "EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY" -> ErrorKind.HOST_NOT_FOUND;
            default -> name.startsWith("EAI_") ? ErrorKind.DNS_FAILURE : ErrorKind.OTHER;
        });
    }

    static String cString(MemorySegment p) {
        return p.address() == 0 ? "?" : p.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
