package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.fs.FileWatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Watches a directory (or a file) and prints each event as it comes, one per line: the events
 * ({@code rename}, {@code change} or both) and the entry's name. A rename is libuv's word for an
 * entry appearing, going or being renamed.
 *
 * <pre>
 * make example NAME=watch ARGS=/tmp/somewhere
 * touch /tmp/somewhere/a; echo more >> /tmp/somewhere/a; mv /tmp/somewhere/a /tmp/somewhere/b
 * </pre>
 *
 * <p>Prints {@code watching PATH} once it watches. SIGINT (Ctrl-C) stops it, exiting 0; a path
 * that cannot be watched exits 1, bad arguments 2. Not recursive: Linux's inotify watches one
 * directory.
 */
@Command(name = "watch", description = "Watches a directory (or a file) and prints each event as it comes; SIGINT stops it.")
public final class Watch implements Callable<Integer> {

    @Parameters(paramLabel = "DIRECTORY", description = "what to watch (not recursive)")
    private Path directory;

    private Watch() {}

    public static void main(String[] args) {
        Cli.runAndExit(new Watch(), args);
    }

    @Override
    public Integer call() {
        Path path = directory.toAbsolutePath();
        if (!Files.exists(path)) {
            System.err.println("no such file or directory: " + path);
            return 1;
        }
        try {
            EventLoop.start(loop -> {
                FileWatcher watcher = loop.watch(path, (w, name, events) -> {
                    StringBuilder line = new StringBuilder();
                    events.forEach(e -> line.append(e.name().toLowerCase()).append(' '));
                    System.out.println(line.append(name == null ? "(unnamed)" : name));
                });
                loop.onSignal(Signal.INT, sig -> loop.exit());
                System.out.println("watching " + watcher.path());
            });
        } catch (UvException e) {
            System.err.println("cannot watch " + path + ": " + e.getMessage());
            return 1;
        }
        System.out.println("watch exited");
        return 0;
    }
}
