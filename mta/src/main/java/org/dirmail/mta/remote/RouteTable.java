package org.dirmail.mta.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks the next hop for a domain: a static route (exact domain or {@code .suffix}), else the
 * relayhost, else the domain's MX. An empty route ({@code example.net:}) exempts a domain from
 * the relayhost, as in qmail's smtproutes. Immutable.
 */
public final class RouteTable {

    private static final Pattern DOMAIN_KEY = Pattern.compile(
            "\\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final DomainMap<Route> routes;
    private final Optional<Route> relayhost;

    public RouteTable(DomainMap<Route> routes, Optional<Route> relayhost) {
        this.routes = routes;
        this.relayhost = relayhost;
    }

    /** No routes, no relayhost: every domain by its MX. */
    public static RouteTable direct() {
        return new RouteTable(DomainMap.empty(), Optional.empty());
    }

    /** The next hop for mail to {@code domain}. */
    public Route lookup(String domain) {
        return routes.lookup(domain).or(() -> relayhost).orElse(Route.DIRECT);
    }

    public Optional<Route> relayhost() {
        return relayhost;
    }

    public DomainMap<Route> routes() {
        return routes;
    }

    /**
     * Parses {@code transport_routes} items ({@code domain:next-hop}, as given by the config's list
     * splitting) and the {@code relayhost} value (empty = none).
     */
    public static RouteTable parse(List<String> items, String relayhost) {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected domain:host[:port], got '" + item + "'");
            }
            String domain = item.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (!DOMAIN_KEY.matcher(domain).matches() || domain.length() > 254) {
                throw new IllegalArgumentException("'" + domain + "' is not a domain or .domain in '" + item + "'");
            }
            if (routes.put(domain, Route.parse(item.substring(colon + 1), false)) != null) {
                throw new IllegalArgumentException("domain '" + domain + "' is routed twice");
            }
        }
        Optional<Route> relay = relayhost.isEmpty() ? Optional.empty() : Optional.of(Route.parse(relayhost, true));
        if (relay.isPresent() && relay.get().host().isEmpty()) {
            throw new IllegalArgumentException("relayhost must name a host");
        }
        return new RouteTable(DomainMap.of(routes), relay);
    }
}
