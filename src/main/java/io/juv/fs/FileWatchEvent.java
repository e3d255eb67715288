package io.juv.fs;

/** What a {@link FileWatcher} reports of an entry (libuv's uv_fs_event). */
public enum FileWatchEvent {
    /** The entry appeared, disappeared or was renamed (libuv cannot tell which: look). */
    RENAME,
    /** The entry's contents or attributes changed. */
    CHANGE
}
