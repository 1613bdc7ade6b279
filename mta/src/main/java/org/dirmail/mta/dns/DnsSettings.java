package org.dirmail.mta.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Which DNS servers dirmail asks and how long it waits.
 *
 * @param servers recursive resolvers, as {@code address:port}; empty means the system's
 *                ({@code /etc/resolv.conf} or the platform's equivalent)
 * @param timeout how long one query to one server may take; each server is tried {@link #TRIES} times
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout) {

    /** Attempts per server and query before the lookup is a temporary failure. */
    public static final int TRIES = 2;

    public DnsSettings {
        servers = List.copyOf(servers);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive");
        }
    }
}
