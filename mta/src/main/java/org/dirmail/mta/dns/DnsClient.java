package org.dirmail.mta.dns;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asks a recursive resolver one question with dnsjava's asynchronous API and sorts the answer
 * into three kinds: records, "no such domain", or a failure to retry. Follows CNAME chains,
 * bounded. Trusts nothing in a reply: records are taken only for the name asked (or its CNAME
 * targets) and the type asked. Thread-safe.
 */
final class DnsClient {

    /** Longest CNAME chain followed, including re-queries for a target the resolver left out. */
    private static final int MAX_CNAME_DEPTH = 8;

    /** What one question got. */
    sealed interface Reply permits Records, NoSuchDomain, Failure {
    }

    /** NOERROR: the records of the type asked (empty = NODATA), and the name they belong to. */
    record Records(Name owner, List<Record> records) implements Reply {
    }

    /** NXDOMAIN (RFC 1035 4.1.1 RCODE 3): the name does not exist. */
    record NoSuchDomain() implements Reply {
    }

    /** SERVFAIL, REFUSED, a timeout or a malformed reply: ask again later. */
    record Failure(String reason) implements Reply {
    }

    private final Resolver resolver;

    private DnsClient(Resolver resolver) {
        this.resolver = resolver;
    }

    /** A client for the configured servers, or the system's when none are configured. */
    static DnsClient create(DnsSettings settings) {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers() : settings.servers();
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver one = new SimpleResolver(server);
            one.setTimeout(settings.timeout());
            resolvers.add(one);
        }
        // Servers in the configured order; each query may take every server its tries.
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setRetries(DnsSettings.TRIES);
        resolver.setTimeout(settings.timeout().multipliedBy((long) DnsSettings.TRIES * Math.max(1, resolvers.size())));
        return new DnsClient(resolver);
    }

    /** Asks for {@code type} records of {@code name}; never completes exceptionally. */
    CompletionStage<Reply> query(Name name, int type) {
        return query(name, type, 0);
    }

    private CompletionStage<Reply> query(Name name, int type, int depth) {
        Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        CompletionStage<Message> sent;
        try {
            sent = resolver.sendAsync(question);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Failure(describe(e)));
        }
        return sent.handle((reply, error) -> error != null ? CompletableFuture.<Reply>completedFuture(
                        new Failure(describe(error))) : classify(name, type, reply, depth))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Reply> classify(Name name, int type, Message reply, int depth) {
        int rcode = reply.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return CompletableFuture.completedFuture(new NoSuchDomain());
        }
        if (rcode != Rcode.NOERROR) {
            return CompletableFuture.completedFuture(new Failure(Rcode.string(rcode)));
        }
        List<Record> answers = reply.getSection(Section.ANSWER);
        Name owner = name;
        for (int hops = 0; hops < MAX_CNAME_DEPTH; hops++) {
            Name target = cnameTarget(answers, owner);
            if (target == null) {
                break;
            }
            owner = target;
        }
        List<Record> matching = new ArrayList<>();
        for (Record r : answers) {
            if (r.getType() == type && r.getName().equals(owner) && r.getDClass() == DClass.IN) {
                matching.add(r);
            }
        }
        if (matching.isEmpty() && !owner.equals(name) && type != Type.CNAME) {
            // The resolver gave the alias but not the target's records: ask for the target.
            return depth + 1 >= MAX_CNAME_DEPTH
                    ? CompletableFuture.completedFuture(new Failure("CNAME chain too long at " + owner))
                    : query(owner, type, depth + 1);
        }
        return CompletableFuture.completedFuture(new Records(owner, List.copyOf(matching)));
    }

    private static Name cnameTarget(List<Record> answers, Name owner) {
        for (Record r : answers) {
            if (r instanceof CNAMERecord cname && r.getName().equals(owner)) {
                return cname.getTarget();
            }
        }
        return null;
    }

    private static String describe(Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
