package io.juv.fs;

import io.juv.UvException;

import java.util.Set;

/** What a {@link FileWatcher} calls on the loop's thread. */
@FunctionalInterface
public interface FileWatchHandler {

    /**
     * Something happened to an entry: {@code name} is its name relative to the watched directory
     * (the file's own name when a file is watched), or null when the system did not say which.
     * {@code events} is never empty.
     */
    void onEvent(FileWatcher watcher, String name, Set<FileWatchEvent> events);

    /** Watching failed; by default the watcher is closed. */
    default void onError(FileWatcher watcher, UvException error) {
        watcher.close();
    }
}
