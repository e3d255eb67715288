package io.juv.fs;

import io.juv.internal.Uv;

/** What a directory entry or a stat result is. */
public enum FileKind {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link (seen by lstat and in listings; stat follows it). */
    SYMLINK,
    /** A named pipe. */
    FIFO,
    /** A Unix domain socket's file. */
    SOCKET,
    /** A character device (a terminal, {@code /dev/null}). */
    CHARACTER_DEVICE,
    /** A block device (a disk). */
    BLOCK_DEVICE,
    /** The file system did not say (scandir on some file systems), or a type juv does not know. */
    UNKNOWN;

    /**
     * From st_mode's S_IFMT bits. Their values are the same on every platform libuv runs on
     * (on Windows libuv fills st_mode with the CRT's _S_IF* values, which are the POSIX ones).
     */
    static FileKind ofMode(long mode) {
        return switch ((int) (mode & 0170000)) {
            case 0100000 -> FILE;
            case 0040000 -> DIRECTORY;
            case 0120000 -> SYMLINK;
            case 0010000 -> FIFO;
            case 0140000 -> SOCKET;
            case 0020000 -> CHARACTER_DEVICE;
            case 0060000 -> BLOCK_DEVICE;
            default -> UNKNOWN;
        };
    }

    /** From a uv_dirent_type_t. */
    static FileKind ofDirent(int type) {
        if (type == Uv.DIRENT_FILE) return FILE;
        if (type == Uv.DIRENT_DIR) return DIRECTORY;
        if (type == Uv.DIRENT_LINK) return SYMLINK;
        if (type == Uv.DIRENT_FIFO) return FIFO;
        if (type == Uv.DIRENT_SOCKET) return SOCKET;
        if (type == Uv.DIRENT_CHAR) return CHARACTER_DEVICE;
        if (type == Uv.DIRENT_BLOCK) return BLOCK_DEVICE;
        return UNKNOWN;
    }
}
