package io.juv.fs;

import io.juv.UvException;

/**
 * What a {@link StatPoller} calls on the loop's thread. Only {@link #onChange} must be written; a
 * lambda will do. An exception thrown from one goes to the loop's error policy (see
 * {@link io.juv.EventLoop#catchErrors}).
 */
@FunctionalInterface
public interface StatPollHandler {

    /**
     * The path's status changed between two polls: {@code previous} is the last one seen (kind
     * {@link StatPoller.Kind#NONE} after the path had gone missing, or before it first existed),
     * {@code current} the new one.
     *
     * @param poller   the poller
     * @param previous the status at the poll before
     * @param current  the status now
     */
    void onChange(StatPoller poller, StatPoller.Stat previous, StatPoller.Stat current);

    /**
     * The path could not be examined (ENOENT: it is gone): once per failure, not at every poll.
     * {@code previous} is the last status seen. By default nothing happens and polling goes on, so
     * that a path that comes back is reported by {@link #onChange}.
     *
     * @param poller   the poller
     * @param error    why the path could not be examined
     * @param previous the last status seen
     */
    default void onError(StatPoller poller, UvException error, StatPoller.Stat previous) {}
}
