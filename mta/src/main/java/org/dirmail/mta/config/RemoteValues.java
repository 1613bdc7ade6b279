package org.dirmail.mta.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirmail.mta.remote.DomainMap;
import org.dirmail.mta.remote.RemoteTlsPolicy;

/**
 * Parsers for the remote delivery values of {@code dirmail.conf}; like {@link ValueParsers}, each
 * throws {@link IllegalArgumentException} saying what was expected.
 */
final class RemoteValues {

    /** {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code 2001:db8::53}, {@code [2001:db8::53]:5353}: addresses only, no names. */
    private static final Pattern RESOLVER = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?|\\[([0-9A-Fa-f:.]+)](?::(\\d{1,5}))?|([0-9A-Fa-f]*:[0-9A-Fa-f:.]+)");
    private static final Pattern DOMAIN_KEY = Pattern.compile(
            "\\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private RemoteValues() {
    }

    static List<InetSocketAddress> resolvers(String value) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String item : ValueParsers.list(value)) {
            Matcher m = RESOLVER.matcher(item);
            if (!m.matches()) {
                throw new IllegalArgumentException("expected an IP address with an optional :port, got '" + item + "'");
            }
            String host = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
            String port = m.group(1) != null ? m.group(2) : m.group(4);
            try {
                // Only numeric addresses reach here, so this parses and never queries DNS.
                out.add(new InetSocketAddress(InetAddress.getByName(host), port == null ? 53 : port(port)));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + item + "' is not an IP address");
            }
        }
        return List.copyOf(out);
    }

    static int port(String value) {
        long port = ValueParsers.nonNegativeLong(value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("expected a port from 1 to 65535, got '" + value + "'");
        }
        return (int) port;
    }

    /** {@code domain:policy} and {@code .domain:policy} items. */
    static DomainMap<RemoteTlsPolicy> tlsPolicies(String value) {
        Map<String, RemoteTlsPolicy> out = new LinkedHashMap<>();
        for (String item : ValueParsers.list(value)) {
            int colon = item.indexOf(':');
            String domain = colon < 0 ? "" : item.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (!DOMAIN_KEY.matcher(domain).matches()) {
                throw new IllegalArgumentException("expected domain:policy or .domain:policy, got '" + item + "'");
            }
            if (out.put(domain, RemoteTlsPolicy.parse(item.substring(colon + 1))) != null) {
                throw new IllegalArgumentException("domain '" + domain + "' has two policies");
            }
        }
        return DomainMap.of(out);
    }

    static Path readableFile(String value) {
        Path file = Path.of(value);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        return file;
    }
}
