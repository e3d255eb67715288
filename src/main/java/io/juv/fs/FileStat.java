package io.juv.fs;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file's status (stat(2), lstat(2), fstat(2) through libuv's uv_stat_t), copied into Java
 * values: nothing here refers to native memory.
 *
 * @param kind         what the file is, from the mode's type bits
 * @param size         its size in bytes (st_size)
 * @param mode         the whole st_mode: {@link #kind()} and {@link #permissions()} decode it
 * @param uid          the owner's user id
 * @param gid          the owner's group id
 * @param nlink        the number of hard links
 * @param inode        the inode number (st_ino)
 * @param device       the device holding it (st_dev)
 * @param rdev         the device it is, for a device file (st_rdev)
 * @param blockSize    the block size for efficient I/O (st_blksize)
 * @param blocks       the 512-byte blocks allocated (st_blocks)
 * @param flags        the user-defined flags where the system has them (st_flags; 0 on Linux)
 * @param generation   the file's generation number where the system has one (st_gen; 0 on Linux)
 * @param accessTime   the last access
 * @param modifiedTime the last change of its contents
 * @param changeTime   the last change of its status (ctime)
 * @param birthTime    the creation time where the file system keeps one, else what libuv reports (often the epoch or ctime)
 */
public record FileStat(FileKind kind, long size, long mode, long uid, long gid, long nlink, long inode, long device,
                       long rdev, long blockSize, long blocks, long flags, long generation,
                       Instant accessTime, Instant modifiedTime, Instant changeTime, Instant birthTime) {

    /** {@return true for a regular file} */
    public boolean isFile() {
        return kind == FileKind.FILE;
    }

    /** {@return true for a directory} */
    public boolean isDirectory() {
        return kind == FileKind.DIRECTORY;
    }

    /** {@return true for a symbolic link (only an lstat can say so)} */
    public boolean isSymlink() {
        return kind == FileKind.SYMLINK;
    }

    /** {@return the permission bits (rwxrwxrwx) of the mode} */
    public Set<PosixFilePermission> permissions() {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) if ((mode & (1L << bit)) != 0) set.add(order[bit]);
        return set;
    }

    /** {@return the permission, set-id and sticky bits of the mode ({@code mode & 07777}), as chmod takes them} */
    public int permissionBits() {
        return (int) (mode & 07777);
    }
}
