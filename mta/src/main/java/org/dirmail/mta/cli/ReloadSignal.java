package org.dirmail.mta.cli;

import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.ReloadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP makes {@code dirmail run} reload, as it does for most Unix daemons. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only signal hook; the server logs
 * what the reload did. Trusts nothing: a signal carries no data.
 */
final class ReloadSignal {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /** Reloads {@code server} on each SIGHUP; logs and goes on where the platform has no SIGHUP. */
    static void install(DirmailServer server) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log.info("SIGHUP: reloading the configuration");
                ReloadResult result = server.reload();
                log.debug("SIGHUP reload {}", result.applied() ? "applied" : "refused");
            });
        } catch (IllegalArgumentException e) {
            log.warn("no SIGHUP on this platform ({}); use 'dirmail reload'", e.getMessage());
        }
    }
}
