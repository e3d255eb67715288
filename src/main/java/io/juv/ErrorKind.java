package io.juv;

/** The libuv errors that programs commonly handle, and everything else as {@link #OTHER}. */
public enum ErrorKind {
    /** End of stream: the peer closed its side (libuv's UV_EOF). */
    END_OF_STREAM,
    /** Nothing listens at the address (ECONNREFUSED). */
    CONNECTION_REFUSED,
    /** The peer reset the connection (ECONNRESET). */
    CONNECTION_RESET,
    /** The operation timed out: the system's ETIMEDOUT, or a juv timeout (connect, read, write idle). */
    TIMED_OUT,
    /** The address is already bound by another socket (EADDRINUSE). */
    ADDRESS_IN_USE,
    /** The socket was already closed by this program: juv's own error, not libuv's. */
    SOCKET_CLOSED,
    /** A host name has no address (of the family asked for): getaddrinfo's EAI_NONAME and kin. */
    HOST_NOT_FOUND,
    /** Any other failure of a name lookup (EAI_AGAIN, EAI_FAIL, ...); see {@link UvException#errorName()}. */
    DNS_FAILURE,
    /** The request was cancelled, typically because its handle was closed (ECANCELED). */
    CANCELED,
    /** A datagram larger than the socket can send (EMSGSIZE). */
    MESSAGE_TOO_LARGE,
    /** The address is not one of this host's, or cannot be reached from here (EADDRNOTAVAIL, ENETUNREACH, EAFNOSUPPORT). */
    ADDRESS_NOT_AVAILABLE,
    /**
     * A TLS handshake failed: the peer's certificate is untrusted, expired or for another name,
     * no protocol, cipher or application protocol is shared, a required client certificate is
     * missing, or the peer sent an alert; {@code io.juv.net.TlsException#reason()} says which.
     */
    TLS_HANDSHAKE_FAILED,
    /** The peer closed the connection under TLS without sending close_notify: the data may be cut short. */
    TLS_TRUNCATED,
    /** A TLS session failed after its handshake (a bad record, an alert from the peer). */
    TLS_FAILED,
    /** No such file or directory (ENOENT): a file, a directory, a program to spawn or its working directory is not there. */
    NOT_FOUND,
    /** The operation is not permitted (EPERM, EACCES): file permissions, a uid or gid this process may not take, a file it may not run. */
    PERMISSION_DENIED,
    /** No such process (ESRCH): a signal to a process that has exited, or a pid no process has. */
    NO_SUCH_PROCESS,
    /** The file already exists (EEXIST). */
    ALREADY_EXISTS,
    /** A component of the path that must be a directory is not one (ENOTDIR). */
    NOT_A_DIRECTORY,
    /** A directory where a file was wanted: reading or writing one, unlinking one (EISDIR). */
    IS_A_DIRECTORY,
    /** Removing or replacing a directory that still has entries (ENOTEMPTY). */
    DIRECTORY_NOT_EMPTY,
    /** Too many symbolic links on the path: a loop, or a link where none may be (ELOOP). */
    TOO_MANY_LINKS,
    /** The process or the system has no file descriptor left (EMFILE, ENFILE). */
    TOO_MANY_OPEN_FILES,
    /** No space left on the device, or over quota (ENOSPC, EDQUOT). */
    NO_SPACE,
    /** A rename or link across file systems (EXDEV). */
    CROSS_DEVICE,
    /** The file was already closed by this program: juv's own error, not libuv's. */
    FILE_CLOSED,
    /** Any other libuv error; see {@link UvException#errorName()}. */
    OTHER
}
