package io.juv.fs;

/** How {@link Fs#copyFile} copies. */
public enum CopyFlag {
    /** Fail with {@link io.juv.ErrorKind#ALREADY_EXISTS} if the destination exists (UV_FS_COPYFILE_EXCL). */
    EXCLUSIVE,
    /** Share the source's blocks (a reflink, copy-on-write) where the file system can, else copy (UV_FS_COPYFILE_FICLONE). */
    CLONE,
    /** Share the source's blocks or fail: no byte is copied (UV_FS_COPYFILE_FICLONE_FORCE). */
    CLONE_ONLY
}
