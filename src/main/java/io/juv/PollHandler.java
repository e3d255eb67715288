package io.juv;

import java.util.Set;

/**
 * What a {@link Poller} calls on the loop's thread. An exception thrown from one goes to the
 * loop's error policy (see {@link EventLoop#catchErrors}); the poller is not closed by it.
 */
@FunctionalInterface
public interface PollHandler {

    /**
     * The descriptor is ready for some of what the poller waits for.
     *
     * @param poller the poller
     * @param ready  what it is ready for: never empty
     */
    void onReady(Poller poller, Set<PollEvent> ready);

    /**
     * Polling failed (the descriptor went bad, say); by default the poller is closed.
     *
     * @param poller the poller
     * @param error  why it failed
     */
    default void onError(Poller poller, UvException error) {
        poller.close();
    }
}
