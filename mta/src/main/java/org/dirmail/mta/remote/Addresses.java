package org.dirmail.mta.remote;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks envelope addresses before they go into a command line, and reads address literals.
 * The addresses came from the network once; whatever the queue holds, nothing that could break
 * the command line (CR, LF, NUL, angle brackets, spaces, non-ASCII) is ever sent. Stateless.
 */
final class Addresses {

    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets, angle brackets included. */
    static final int MAX_ADDRESS = 254;

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private Addresses() {
    }

    /** Null when {@code address} may be sent, else why not. The sender may be empty ({@code <>}). */
    static String check(String address, boolean sender) {
        if (address.isEmpty() && sender) {
            return null;
        }
        if (address.length() > MAX_ADDRESS) {
            return "address longer than " + MAX_ADDRESS + " octets";
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') {
                return "address contains a character SMTP cannot carry here";
            }
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "address is not local@domain";
        }
        return null;
    }

    /**
     * The address of an RFC 5321 4.1.3 literal ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) or of
     * a bare IP (a route's {@code [host]} after its brackets came off). Never looks anything up.
     */
    static Optional<InetAddress> literal(String host) {
        String s = host;
        boolean bracketed = s.startsWith("[") && s.endsWith("]") && s.length() > 2;
        if (bracketed) {
            s = s.substring(1, s.length() - 1);
            if (s.toLowerCase(Locale.ROOT).startsWith("ipv6:")) {
                s = s.substring(5);
                return s.contains(":") ? parse(s) : Optional.empty();
            }
        }
        if (IPV4.matcher(s).matches() || s.contains(":")) {
            return parse(s);
        }
        return Optional.empty();
    }

    /** Only ever called with a numeric IPv4 or a string containing a colon: InetAddress parses those without DNS. */
    private static Optional<InetAddress> parse(String numeric) {
        if (!numeric.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(numeric));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
