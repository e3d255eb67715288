package io.juv;

/**
 * An error from libuv, or from using a juv object in a state that forbids it.
 *
 * <p>Carries libuv's own error name ({@code ECONNREFUSED}, {@code EOF}, ...) and message, and
 * the {@link ErrorKind} for the errors that programs commonly handle. The numeric code is
 * libuv's and differs between platforms; compare {@link #kind()} or {@link #errorName()}.
 */
public class UvException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String errorName;
    private final ErrorKind kind;

    /** Built by juv's error mapping; {@code code} is libuv's negative code, 0 for juv's own errors. */
    public UvException(int code, String errorName, String message, ErrorKind kind) {
        super(errorName + ": " + message);
        this.code = code;
        this.errorName = errorName;
        this.kind = kind;
    }

    /** libuv's negative error code on this platform, or 0 for an error of juv's own. */
    public int code() { return code; }

    /** libuv's name for the error, such as {@code ECONNRESET}, or {@code ESOCKETCLOSED} for juv's own. */
    public String errorName() { return errorName; }

    public ErrorKind kind() { return kind; }

    /** True for end of stream. */
    public boolean isEof() { return kind == ErrorKind.END_OF_STREAM; }
}
