package io.juv.fs;

import io.juv.UvException;

/** What a {@link StatPoller} calls on the loop's thread. */
@FunctionalInterface
public interface StatPollHandler {

    /**
     * The path's status changed between two polls: {@code previous} is the last one seen (kind
     * {@link StatPoller.Kind#NONE} after the path had gone missing, or before it first existed),
     * {@code current} the new one.
     */
    void onChange(StatPoller poller, StatPoller.Stat previous, StatPoller.Stat current);

    /**
     * The path could not be examined (ENOENT: it is gone): once per failure, not at every poll.
     * {@code previous} is the last status seen. By default nothing happens and polling goes on, so
     * that a path that comes back is reported by {@link #onChange}.
     */
    default void onError(StatPoller poller, UvException error, StatPoller.Stat previous) {}
}
