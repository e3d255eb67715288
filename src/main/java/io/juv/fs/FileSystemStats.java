package io.juv.fs;

/**
 * What statfs(2) says of the file system holding a path (uv_statfs_t). Sizes are in blocks of
 * {@link #blockSize()} bytes; {@link #type()} is the OS's own file system magic number.
 *
 * @param type            the file system's type (f_type: Linux's magic number, say 0xEF53 for ext4)
 * @param blockSize       the size of a block in bytes
 * @param blocks          the blocks in all
 * @param freeBlocks      the blocks free
 * @param availableBlocks the blocks free to an unprivileged process
 * @param files           the file nodes (inodes) in all
 * @param freeFiles       the file nodes free
 */
public record FileSystemStats(long type, long blockSize, long blocks, long freeBlocks, long availableBlocks,
                              long files, long freeFiles) {

    /** {@return the bytes an unprivileged process may still write} */
    public long availableBytes() {
        return availableBlocks * blockSize;
    }

    /** {@return the file system's size in bytes} */
    public long totalBytes() {
        return blocks * blockSize;
    }
}
