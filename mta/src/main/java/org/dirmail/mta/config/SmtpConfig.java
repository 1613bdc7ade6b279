package org.dirmail.mta.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The SMTP listeners and their limits and relay policy.
 *
 * @param listen                 the MX listener
 * @param submissionListen       submission (STARTTLS + AUTH required), if enabled
 * @param smtpsListen            SMTPS (implicit TLS), if enabled
 * @param messageSizeLimit       largest message in bytes
 * @param maxRecipients          recipients per message
 * @param maxErrors              5xx replies before 421 and disconnect
 * @param idleTimeout            longest wait for the next command
 * @param dataTimeout            longest wait for the next DATA bytes
 * @param greetingDelay          how long the MX listener waits before its greeting (pregreet test)
 * @param maxConnections         simultaneous connections, all listeners
 * @param maxConnectionsPerIp    simultaneous connections from one address
 * @param relayNetworks          networks that may relay without AUTH
 * @param strictSenderLogin      authenticated users may only use their own addresses as sender
 * @param shutdownGrace          on stop, how long a session inside a transaction may take to finish it
 */
public record SmtpConfig(
        HostPort listen,
        Optional<HostPort> submissionListen,
        Optional<HostPort> smtpsListen,
        int messageSizeLimit,
        int maxRecipients,
        int maxErrors,
        Duration idleTimeout,
        Duration dataTimeout,
        Duration greetingDelay,
        int maxConnections,
        int maxConnectionsPerIp,
        List<Cidr> relayNetworks,
        boolean strictSenderLogin,
        Duration shutdownGrace) {

    public SmtpConfig {
        relayNetworks = List.copyOf(relayNetworks);
    }
}
