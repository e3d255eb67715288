package io.juv.fs;

/**
 * What statfs(2) says of the file system holding a path (uv_statfs_t). Sizes are in blocks of
 * {@link #blockSize()} bytes; {@link #type()} is the OS's own file system magic number.
 */
public record FileSystemStats(long type, long blockSize, long blocks, long freeBlocks, long availableBlocks,
                              long files, long freeFiles) {

    /** Bytes an unprivileged process may still write. */
    public long availableBytes() {
        return availableBlocks * blockSize;
    }

    public long totalBytes() {
        return blocks * blockSize;
    }
}
