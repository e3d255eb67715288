package io.juv.fs;

import io.juv.UvException;

import java.util.Set;

/**
 * What a {@link FileWatcher} calls on the loop's thread. Only {@link #onEvent} must be written; a
 * lambda will do. An exception thrown from one goes to the loop's error policy (see
 * {@link io.juv.EventLoop#catchErrors}).
 */
@FunctionalInterface
public interface FileWatchHandler {

    /**
     * Something happened to an entry: {@code name} is its name relative to the watched directory
     * (the file's own name when a file is watched), or null when the system did not say which.
     * {@code events} is never empty.
     *
     * @param watcher the watcher that saw it
     * @param name    the entry's name, or null
     * @param events  what happened to it
     */
    void onEvent(FileWatcher watcher, String name, Set<FileWatchEvent> events);

    /**
     * Watching failed; by default the watcher is closed.
     *
     * @param watcher the watcher
     * @param error   what failed
     */
    default void onError(FileWatcher watcher, UvException error) {
        watcher.close();
    }
}
