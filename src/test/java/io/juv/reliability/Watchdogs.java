package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.Loops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every watchdog a test arms; after each test none may have fired (a fired one ends the loop,
 * which could pass for clean). Register with {@code @RegisterExtension final Watchdogs watchdogs = new Watchdogs();}.
 */
public final class Watchdogs implements AfterEachCallback {

    private final List<Loops.Watchdog> armed = new ArrayList<>();

    public Loops.Watchdog arm(EventLoop loop, Duration after) {
        Loops.Watchdog wd = Loops.watchdog(loop, after);
        armed.add(wd);
        return wd;
    }

    public Loops.Watchdog arm(EventLoop loop) {
        return arm(loop, Duration.ofSeconds(5));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (Loops.Watchdog wd : armed) wd.assertNotFired();
        } finally {
            armed.clear();
        }
    }
}
