package io.juv;

import java.util.Set;

/** What a {@link Poller} calls on the loop's thread. */
@FunctionalInterface
public interface PollHandler {

    /** The descriptor is ready for some of what the poller waits for; {@code ready} is never empty. */
    void onReady(Poller poller, Set<PollEvent> ready);

    /** Polling failed (the descriptor went bad, say); by default the poller is closed. */
    default void onError(Poller poller, UvException error) {
        poller.close();
    }
}
