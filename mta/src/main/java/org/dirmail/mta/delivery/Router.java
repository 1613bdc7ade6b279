package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one recipient's copy, resolving the recipient again, live, at delivery time (an entry
 * edited while the message waited is honoured) and carrying out its {@link DeliveryPlan}: Maildir
 * delivery and forwarding, as switched by {@code deliveryMode}, or a group's expansion
 * ({@link GroupDelivery}). An ambiguous address bounces
 * (5.3.5) here although SMTP answered it with 451, as in qmail-ldap.
 * Runs on delivery threads: it may block on the directory and the disk.
 */
public final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final RecipientResolver resolver;
    private final Set<String> localDomains;
    private final Path mailRoot;
    private final MaildirWriter maildir;
    private final Forwarder forwarder;
    private final GroupDelivery groups;
    private final long lookupTimeoutMillis;

    /**
     * @param lookupTimeoutMillis how long to wait for the directory before deferring; the
     *                            resolver has its own LDAP timeouts, this is a backstop
     */
    public Router(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Set<String> localDomains,
            Path mailRoot, String hostname, long lookupTimeoutMillis) {
        this.resolver = resolver;
        this.forwarder = new Forwarder(queue, lookupTimeoutMillis);
        this.groups = new GroupDelivery(groups, forwarder, lookupTimeoutMillis);
        this.localDomains = Set.copyOf(localDomains);
        this.mailRoot = mailRoot;
        this.maildir = new MaildirWriter(hostname);
        this.lookupTimeoutMillis = lookupTimeoutMillis;
    }

    /** Delivers {@code message} to its recipient number {@code index}. */
    /** True when {@code rcpt} is in a local domain; other recipients go to remote delivery. */
    public boolean isLocal(String rcpt) {
        return localDomains.contains(domainOf(rcpt));
    }

    public DeliveryOutcome deliver(QueuedMessage message, int index) {
        String rcpt = message.envelope().recipients().get(index);
        if (!isLocal(rcpt)) {
            throw new IllegalArgumentException(rcpt + " is not local; remote delivery handles it");
        }
        Lookup lookup = lookup(rcpt);
        // The loop check comes after the status check (a disabled mailbox bounces as such) and
        // before any configuration problem, as in qmail-local.
        if (lookup instanceof Lookup.Found found && found.user().accountStatus().receivesMail()
                && HeaderScan.hasDeliveredTo(message.message(), rcpt)) {
            return new DeliveryOutcome.Failed("5.4.6", "message is looping: it already has my Delivered-To line");
        }
        DeliveryPlan plan = DeliveryPlan.of(lookup, mailRoot);
        if (plan.refusal().isPresent()) {
            DeliveryOutcome refusal = plan.refusal().get();
            if (refusal instanceof DeliveryOutcome.Deferred deferred && deferred.status().equals("4.3.5")) {
                log.error("{}: {}", rcpt, refusal.detail());
            }
            return refusal;
        }
        if (plan.group().isPresent()) {
            return groups.deliver(plan.group().get(), rcpt, message);
        }
        // Only a Found answer gives a plan without a refusal.
        return carryOut(plan, (Lookup.Found) lookup, rcpt, message);
    }

    private Lookup lookup(String rcpt) {
        try {
            return resolver.resolve(rcpt).toCompletableFuture().get(lookupTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Lookup.TempFail("directory did not answer within " + lookupTimeoutMillis + " ms");
        } catch (ExecutionException e) {
            return new Lookup.TempFail(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.TempFail("interrupted");
        }
    }

    private DeliveryOutcome carryOut(DeliveryPlan plan, Lookup.Found found, String rcpt, QueuedMessage message) {
        StringBuilder detail = new StringBuilder();
        if (plan.maildir().isPresent()) {
            DeliveryOutcome stored = deliverToMaildir(plan.maildir().get(), rcpt, message);
            if (!(stored instanceof DeliveryOutcome.Delivered)) {
                return stored;
            }
            detail.append(stored.detail());
        }
        if (!plan.forwards().isEmpty()) {
            // As in qmail-local, forwards come after local delivery: a local failure prevents them.
            try {
                String id = forwarder.forward(message.envelope().sender(), rcpt, plan.forwards(), message.message());
                detail.append(detail.length() == 0 ? "" : "; ").append("forwarded to ")
                        .append(String.join(", ", plan.forwards())).append(" as ").append(id);
            } catch (Exception e) {
                return new DeliveryOutcome.Deferred("4.3.0", "cannot queue the forwarded copy: " + e);
            }
        }
        if (!found.candidate().equals(rcpt.toLowerCase(Locale.ROOT))) {
            detail.append(" (matched ").append(found.candidate())
                    .append(found.extension().isEmpty() ? "" : ", extension " + found.extension()).append(')');
        }
        return new DeliveryOutcome.Delivered(detail.toString());
    }

    // Delivered-To carries the envelope recipient as it came, delimiter extension and alias
    // domain included (qmail-local writes the full address too): loop detection and the user's
    // filters see what the sender wrote.
    private DeliveryOutcome deliverToMaildir(Path dir, String rcpt, QueuedMessage message) {
        String[] headers = {
            "Return-Path: <" + message.envelope().sender() + ">",
            "Delivered-To: " + rcpt,
        };
        try {
            Path file = maildir.deliver(dir, headers, message.message());
            return new DeliveryOutcome.Delivered("delivered to maildir " + file.getParent().getParent());
        } catch (IOException e) {
            return new DeliveryOutcome.Deferred("4.3.0", "cannot write maildir " + dir + ": " + e);
        }
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
