package org.dirmail.mta.pop3;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Turns a {@code mailHost} from the directory into the address of that node's POP3 server. May
 * block (DNS): the proxy calls it on the blocking pool, never on an event loop. The host has
 * already been checked to be a syntactically valid host name.
 */
@FunctionalInterface
public interface Pop3ProxyTargets {

    /** The address to connect to for {@code mailHost}. */
    InetSocketAddress resolve(String mailHost) throws UnknownHostException;

    /** The system resolver (first address, as qmail-ldap), every node on {@code port}. */
    static Pop3ProxyTargets dns(int port) {
        return host -> new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
