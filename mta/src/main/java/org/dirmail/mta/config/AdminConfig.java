package org.dirmail.mta.config;

import java.util.Optional;

/**
 * The admin HTTP listener (metrics and health).
 *
 * @param listen where it listens, if enabled; meant for loopback or a management network only
 */
public record AdminConfig(Optional<HostPort> listen) {
}
