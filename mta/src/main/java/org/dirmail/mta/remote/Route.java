package org.dirmail.mta.remote;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail for a domain is sent instead of its MX: qmail's smtproutes relay, Postfix's
 * transport next hop. {@code host} looks up the host's MX; {@code [host]} its addresses only.
 *
 * @param host      the next hop; empty means the recipient domain itself (normal MX delivery)
 * @param port      the port; 0 means {@code remote_smtp_port}
 * @param mxLookup  whether {@code host} is resolved through its MX records
 * @param relayhost whether this is the configured smarthost (which may need AUTH)
 */
public record Route(String host, int port, boolean mxLookup, boolean relayhost) {

    /** Normal delivery: the recipient domain's MX. */
    public static final Route DIRECT = new Route("", 0, true, false);

    private static final Pattern SPEC = Pattern.compile(
            "(?:\\[([0-9A-Za-z.:_-]+)]|([0-9A-Za-z._-]+))(?::(\\d{1,5}))?");
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*");

    /**
     * Parses {@code host}, {@code host:port}, {@code [host]}, {@code [host]:port} or
     * {@code [2001:db8::1]:port}; an empty spec is {@link #DIRECT}.
     */
    public static Route parse(String spec, boolean relayhost) {
        if (spec.isEmpty()) {
            return DIRECT;
        }
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected host, host:port, [host] or [host]:port, got '" + spec + "'");
        }
        boolean bracketed = m.group(1) != null;
        String host = (bracketed ? m.group(1) : m.group(2)).toLowerCase(java.util.Locale.ROOT);
        if (!NAME.matcher(host).matches() && !(bracketed && host.contains(":"))) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or address");
        }
        int port = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (port > 65535 || (m.group(3) != null && port == 0)) {
            throw new IllegalArgumentException("port out of range in '" + spec + "'");
        }
        return new Route(host, port, !bracketed, relayhost);
    }

    @Override
    public String toString() {
        if (host.isEmpty()) {
            return "";
        }
        String h = mxLookup ? host : "[" + host + "]";
        return port == 0 ? h : h + ":" + port;
    }
}
