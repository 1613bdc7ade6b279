package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where one recipient's copy goes, resolving the recipient again, live, at delivery time
 * (an entry edited while the message waited is honoured): Maildir delivery and forwarding, as
 * switched by {@code deliveryMode} ({@code nolocal}/{@code nombox}, {@code noforward},
 * {@code forwardonly}).
 * Runs on delivery threads: it may block on the directory and the disk.
 */
public final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final RecipientResolver resolver;
    private final Set<String> localDomains;
    private final Path mailRoot;
    private final MaildirWriter maildir;
    private final Forwarder forwarder;
    private final long lookupTimeoutMillis;

    /**
     * @param lookupTimeoutMillis how long to wait for the directory before deferring; the
     *                            resolver has its own LDAP timeouts, this is a backstop
     */
    public Router(RecipientResolver resolver, MessageQueue queue, Set<String> localDomains, Path mailRoot,
            String hostname, long lookupTimeoutMillis) {
        this.resolver = resolver;
        this.forwarder = new Forwarder(queue, lookupTimeoutMillis);
        this.localDomains = Set.copyOf(localDomains);
        this.mailRoot = mailRoot;
        this.maildir = new MaildirWriter(hostname);
        this.lookupTimeoutMillis = lookupTimeoutMillis;
    }

    /** Delivers {@code message} to its recipient number {@code index}. */
    public DeliveryOutcome deliver(QueuedMessage message, int index) {
        String rcpt = message.envelope().recipients().get(index);
        if (!localDomains.contains(domainOf(rcpt))) {
            return new DeliveryOutcome.Deferred("4.4.1", "remote delivery is not available yet; message kept in the queue");
        }
        Lookup lookup = lookup(rcpt);
        if (lookup instanceof Lookup.Found found) {
            return deliverTo(found.user(), rcpt, message);
        }
        if (lookup instanceof Lookup.TempFail tf) {
            return new DeliveryOutcome.Deferred("4.4.3", "directory lookup failed: " + tf.reason());
        }
        return new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name");
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

    private DeliveryOutcome deliverTo(MailUser user, String rcpt, QueuedMessage message) {
        switch (user.accountStatus()) {
            case DISABLED:
                return new DeliveryOutcome.Failed("5.2.1", "mailbox disabled");
            case DELETED:
                return new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name");
            default:
                break;
        }
        if (HeaderScan.hasDeliveredTo(message.message(), rcpt)) {
            return new DeliveryOutcome.Failed("5.4.6", "message is looping: it already has my Delivered-To line");
        }
        Set<String> modes = Set.copyOf(user.deliveryModes());
        boolean local = user.mailMessageStore().isPresent() && !modes.contains("nolocal")
                && !modes.contains("nombox") && !modes.contains("forwardonly");
        List<String> forwards = modes.contains("noforward") ? List.of() : user.forwardingAddresses();
        if (!local && forwards.isEmpty()) {
            // Nothing to deliver to: a configuration error the admin can fix, so defer (as Postfix does).
            return new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has no mailbox and no forwarding address");
        }
        if (!Forwarder.allValid(forwards)) {
            log.error("{}: mailForwardingAddress holds a value that is not an address: {}", user.dn(), forwards);
            return new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has an invalid mailForwardingAddress");
        }
        StringBuilder detail = new StringBuilder();
        if (local) {
            DeliveryOutcome stored = deliverToMaildir(user, rcpt, message);
            if (!(stored instanceof DeliveryOutcome.Delivered)) {
                return stored;
            }
            detail.append(stored.detail());
        }
        if (!forwards.isEmpty()) {
            // As in qmail-local, forwards come after local delivery: a local failure prevents them.
            try {
                String id = forwarder.forward(message.envelope().sender(), rcpt, forwards, message.message());
                detail.append(detail.length() == 0 ? "" : "; ").append("forwarded to ")
                        .append(String.join(", ", forwards)).append(" as ").append(id);
            } catch (Exception e) {
                return new DeliveryOutcome.Deferred("4.3.0", "cannot queue the forwarded copy: " + e);
            }
        }
        return new DeliveryOutcome.Delivered(detail.toString());
    }

    private DeliveryOutcome deliverToMaildir(MailUser user, String rcpt, QueuedMessage message) {
        String store = user.mailMessageStore().orElseThrow();
        if (!MailStorePath.isMaildir(store)) {
            return new DeliveryOutcome.Deferred("4.3.5", "mbox delivery to '" + store + "' is not supported yet");
        }
        Path dir;
        try {
            dir = MailStorePath.resolve(mailRoot, store);
        } catch (MailStorePath.BadStoreException e) {
            // A configuration error: defer (as Postfix does) so the admin can fix the entry.
            log.error("{}: {}", user.dn(), e.getMessage());
            return new DeliveryOutcome.Deferred("4.3.5", e.getMessage());
        }
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
