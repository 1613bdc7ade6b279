package org.dirmail.mta.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The POP3 listeners.
 *
 * @param listen      POP3 with STLS, if enabled
 * @param pop3sListen POP3S (implicit TLS), if enabled
 * @param idleTimeout idle clients are disconnected (RFC 1939: at least 10 minutes)
 */
public record Pop3Config(Optional<HostPort> listen, Optional<HostPort> pop3sListen, Duration idleTimeout) {
}
