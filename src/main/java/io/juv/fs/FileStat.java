package io.juv.fs;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file's status (stat(2), lstat(2), fstat(2) through libuv's uv_stat_t), copied into Java
 * values: nothing here refers to native memory.
 *
 * @param mode the whole st_mode: {@link #kind()} and {@link #permissions()} decode it
 * @param birthTime the creation time where the file system keeps one, else what libuv reports (often the epoch or ctime)
 */
public record FileStat(FileKind kind, long size, long mode, long uid, long gid, long nlink, long inode, long device,
                       long rdev, long blockSize, long blocks, long flags, long generation,
                       Instant accessTime, Instant modifiedTime, Instant changeTime, Instant birthTime) {

    public boolean isFile() {
        return kind == FileKind.FILE;
    }

    public boolean isDirectory() {
        return kind == FileKind.DIRECTORY;
    }

    public boolean isSymlink() {
        return kind == FileKind.SYMLINK;
    }

    /** The permission bits (rwxrwxrwx) of the mode. */
    public Set<PosixFilePermission> permissions() {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) if ((mode & (1L << bit)) != 0) set.add(order[bit]);
        return set;
    }

    /** The permission, set-id and sticky bits of the mode (mode & 07777), as chmod takes them. */
    public int permissionBits() {
        return (int) (mode & 07777);
    }
}
