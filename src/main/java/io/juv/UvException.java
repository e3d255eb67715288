package io.juv;

/**
 * An error from libuv, or from using a juv object in a state that forbids it.
 *
 * <p>Carries libuv's own error name ({@code ECONNREFUSED}, {@code EOF}, ...) and message, and
 * the {@link ErrorKind} for the errors that programs commonly handle. The numeric code is
 * libuv's and differs between platforms; compare {@link #kind()} or {@link #errorName()}.
 *
 * {@snippet :
 * loop.connect("127.0.0.1", port, handler).exceptionally(e -> {
 *     if (e instanceof UvException uv && uv.kind() == ErrorKind.CONNECTION_REFUSED) retryLater();
 *     return null;
 * });
 * }
 */
public class UvException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** libuv's negative code, or 0 for juv's own errors. */
    private final int code;
    /** libuv's name for the error, or juv's own ({@code ESOCKETCLOSED}). */
    private final String errorName;
    /** The kind programs compare. */
    private final ErrorKind kind;

    /**
     * Built by juv's error mapping; programs get these, they rarely make them.
     *
     * @param code      libuv's negative code, 0 for juv's own errors
     * @param errorName libuv's name for the error ({@code ECONNRESET}), or juv's own
     * @param message   what went wrong; the exception's message is {@code errorName + ": " + message}
     * @param kind      the kind programs compare, {@link ErrorKind#OTHER} for the rest
     */
    public UvException(int code, String errorName, String message, ErrorKind kind) {
        super(errorName + ": " + message);
        this.code = code;
        this.errorName = errorName;
        this.kind = kind;
    }

    /** {@return libuv's negative error code on this platform, or 0 for an error of juv's own} */
    public int code() { return code; }

    /** {@return libuv's name for the error, such as {@code ECONNRESET}, or {@code ESOCKETCLOSED} for juv's own} */
    public String errorName() { return errorName; }

    /** {@return the kind of error, for the ones programs commonly handle; {@link ErrorKind#OTHER} for the rest} */
    public ErrorKind kind() { return kind; }

    /** {@return true for end of stream ({@link ErrorKind#END_OF_STREAM})} */
    public boolean isEof() { return kind == ErrorKind.END_OF_STREAM; }
}
