package org.dirmail.mta.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds where mail for a domain goes, the RFC 5321 5.1 way: MX records by preference (random
 * among equals), A and AAAA of each host; no MX means the domain's own addresses; a null MX
 * ({@code 0 .}, RFC 7505) means no mail. Everything the DNS says is hostile: names are checked,
 * hosts and addresses are bounded, unusable addresses dropped. Asynchronous; thread-safe.
 */
public final class MxResolver {

    /** MX hosts looked at per domain (Postfix: smtp_mx_address_limit is per address; this bounds queries). */
    static final int MAX_MX_HOSTS = 10;
    /** Addresses kept per domain: enough to get past dead hosts, not enough to stall a delivery for hours. */
    static final int MAX_TARGETS = 20;

    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final DnsClient dns;
    private final Random random;

    MxResolver(DnsClient dns, Random random) {
        this.dns = dns;
        this.random = random;
    }

    /** A resolver asking the configured servers (or the system's). */
    public static MxResolver create(DnsSettings settings) {
        return new MxResolver(DnsClient.create(settings), new Random());
    }

    /** The addresses to try for mail to {@code domain}; never completes exceptionally. */
    public CompletionStage<MxAnswer> resolveMx(String domain) {
        Name name = absoluteName(domain);
        if (name == null) {
            return done(new MxAnswer.PermFail("5.1.2", "bad domain name syntax"));
        }
        return dns.query(name, Type.MX).thenCompose(reply -> {
            if (reply instanceof DnsClient.NoSuchDomain) {
                return done(new MxAnswer.PermFail("5.1.2", "domain " + domain + " does not exist (NXDOMAIN)"));
            }
            if (reply instanceof DnsClient.Failure f) {
                return done(new MxAnswer.TempFail("4.4.3", "MX lookup for " + domain + " failed: " + f.reason()));
            }
            List<MXRecord> mx = new ArrayList<>();
            for (Record r : ((DnsClient.Records) reply).records()) {
                mx.add((MXRecord) r);
            }
            if (mx.isEmpty()) {
                // RFC 5321 5.1: no MX, so the domain itself is the implicit MX with preference 0.
                return resolveHost(domain).thenApply(answer -> answer instanceof MxAnswer.PermFail
                        ? new MxAnswer.PermFail("5.1.2", "domain " + domain + " has no MX and no address")
                        : answer);
            }
            return fromMx(domain, mx);
        });
    }

    /**
     * The A and AAAA addresses of one host (a route's {@code [host]}), or the host itself when it is
     * an IPv4 literal. Never completes exceptionally.
     */
    public CompletionStage<MxAnswer> resolveHost(String host) {
        Name name = absoluteName(host);
        if (name == null) {
            return done(new MxAnswer.PermFail("5.1.2", "bad host name syntax: " + host));
        }
        return addresses(name, 0).thenApply(found -> {
            if (!found.targets.isEmpty()) {
                return new MxAnswer.Targets(found.targets);
            }
            return found.tempFailure != null
                    ? new MxAnswer.TempFail("4.4.3", "address lookup for " + host + " failed: " + found.tempFailure)
                    : new MxAnswer.PermFail("5.1.2", "host " + host + " has no address");
        });
    }

    private CompletionStage<MxAnswer> fromMx(String domain, List<MXRecord> records) {
        List<MXRecord> usable = new ArrayList<>();
        boolean nullMx = false;
        for (MXRecord r : records) {
            if (r.getTarget().equals(Name.root)) {
                nullMx = true; // RFC 7505 3: "0 ." says the domain accepts no mail
            } else {
                usable.add(r);
            }
        }
        if (usable.isEmpty()) {
            return done(nullMx ? new MxAnswer.PermFail("5.1.10", "domain " + domain + " accepts no mail (null MX, RFC 7505)")
                    : new MxAnswer.PermFail("5.1.2", "domain " + domain + " has no usable MX"));
        }
        // RFC 5321 5.1: lowest preference first; equal preferences in random order.
        Collections.shuffle(usable, random);
        usable.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority()));
        List<MXRecord> hosts = usable.subList(0, Math.min(usable.size(), MAX_MX_HOSTS));
        List<CompletableFuture<HostAddresses>> lookups = new ArrayList<>();
        for (MXRecord mx : hosts) {
            lookups.add(addresses(mx.getTarget(), mx.getPriority()).toCompletableFuture());
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<MailTarget> targets = new ArrayList<>();
            String tempFailure = null;
            for (CompletableFuture<HostAddresses> lookup : lookups) {
                HostAddresses found = lookup.join();
                targets.addAll(found.targets);
                tempFailure = tempFailure == null ? found.tempFailure : tempFailure;
            }
            if (!targets.isEmpty()) {
                return new MxAnswer.Targets(targets.subList(0, Math.min(targets.size(), MAX_TARGETS)));
            }
            return tempFailure != null
                    ? new MxAnswer.TempFail("4.4.3", "MX host lookup for " + domain + " failed: " + tempFailure)
                    : new MxAnswer.PermFail("5.4.4", "no MX host of " + domain + " has an address");
        });
    }

    /** A then AAAA, each in the order the resolver gave; NXDOMAIN or NODATA is simply no address. */
    private CompletionStage<HostAddresses> addresses(Name host, int preference) {
        String hostname = text(host);
        InetAddress literal = ipv4Literal(hostname);
        if (literal != null) {
            // Not allowed by RFC 5321 5.1, but seen: an MX "name" that is an address. Use it as one.
            return CompletableFuture.completedFuture(
                    new HostAddresses(usable(List.of(literal), hostname, preference), null));
        }
        CompletableFuture<DnsClient.Reply> a = dns.query(host, Type.A).toCompletableFuture();
        CompletableFuture<DnsClient.Reply> aaaa = dns.query(host, Type.AAAA).toCompletableFuture();
        return a.thenCombine(aaaa, (v4, v6) -> {
            List<InetAddress> found = new ArrayList<>();
            String failure = null;
            for (DnsClient.Reply reply : List.of(v4, v6)) {
                if (reply instanceof DnsClient.Records records) {
                    for (Record r : records.records()) {
                        found.add(r instanceof ARecord ar ? ar.getAddress() : ((AAAARecord) r).getAddress());
                    }
                } else if (reply instanceof DnsClient.Failure f) {
                    failure = f.reason();
                }
            }
            return new HostAddresses(usable(found, hostname, preference), failure);
        });
    }

    /** Drops addresses no mail server can have: the unspecified address (Linux connects it to itself) and multicast. */
    private static List<MailTarget> usable(List<InetAddress> addresses, String hostname, int preference) {
        List<MailTarget> targets = new ArrayList<>();
        for (InetAddress address : addresses) {
            if (!address.isAnyLocalAddress() && !address.isMulticastAddress()) {
                targets.add(new MailTarget(hostname, address, preference));
            }
        }
        return targets;
    }

    /** The absolute DNS name for a host or domain from an envelope or a record, or null when it is not one. */
    private static Name absoluteName(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (!HOSTNAME.matcher(lower).matches()) {
            return null;
        }
        try {
            return Name.fromString(lower, Name.root);
        } catch (TextParseException e) {
            return null;
        }
    }

    private static String text(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static InetAddress ipv4Literal(String hostname) {
        if (!IPV4.matcher(hostname).matches()) {
            return null;
        }
        try {
            for (String octet : hostname.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
            return InetAddress.getByName(hostname); // a numeric literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** The usable addresses of one host, and the reason if a lookup for it failed temporarily. */
    private record HostAddresses(List<MailTarget> targets, String tempFailure) {
    }
}
