package org.dirmail.mta.dns;

import java.net.InetAddress;

/**
 * One address to try for a mail domain: the MX host's name (for the log, SNI and certificate
 * checks) and one of its addresses.
 *
 * @param hostname   the MX host name without the trailing dot, or the address literal itself
 * @param address    where to connect
 * @param preference the MX preference it came from; 0 for an implicit MX (RFC 5321 5.1)
 */
public record MailTarget(String hostname, InetAddress address, int preference) {

    @Override
    public String toString() {
        return hostname + "[" + address.getHostAddress() + "]";
    }
}
