package org.dirmail.mta.smtp;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts open connections in total and per client address, so one busy or hostile client cannot
 * take every slot (Postfix's smtpd_client_connection_count_limit). Shared by all listeners;
 * thread-safe. Keys are the client's address as text, which comes from the socket, not the client.
 */
public final class ConnectionLimiter {

    private int maxTotal;
    private int maxPerAddress;
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int total;

    /**
     * @param maxTotal      simultaneous connections, all addresses
     * @param maxPerAddress simultaneous connections from one address
     */
    public ConnectionLimiter(int maxTotal, int maxPerAddress) {
        setLimits(maxTotal, maxPerAddress);
    }

    /**
     * Changes the limits (on reload); connections already open stay open and keep counting, so a
     * lowered limit takes effect as they end.
     */
    public synchronized void setLimits(int maxTotal, int maxPerAddress) {
        if (maxTotal < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("connection limits must be positive: " + maxTotal + ", " + maxPerAddress);
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for {@code address}; false, taking nothing, when either limit is reached. */
    synchronized boolean tryAcquire(String address) {
        int mine = perAddress.getOrDefault(address, 0);
        if (total >= maxTotal || mine >= maxPerAddress) {
            return false;
        }
        total++;
        perAddress.put(address, mine + 1);
        return true;
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    synchronized void release(String address) {
        total--;
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }
}
