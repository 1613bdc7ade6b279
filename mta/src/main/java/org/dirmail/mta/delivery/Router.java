package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.quota.MaildirQuota;
import org.dirmail.mta.quota.Maildirsize;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.dirmail.mta.quota.QuotaUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one recipient's copy, resolving the recipient again, live, at delivery time (an entry
 * edited while the message waited is honoured) and carrying out its {@link DeliveryPlan}: programs,
 * Maildir or mbox, {@code .qmail} lines and forwards ({@link LocalDelivery}), as switched by
 * {@code qmailDotMode} and {@code deliveryMode}, within the entry's {@code mailSizeMax} and
 * Maildir++ quota, or a group's expansion ({@link GroupDelivery}); an auto-reply ({@link AutoReply})
 * and the relay to another cluster node ({@link ClusterRelay}). An
 * ambiguous address bounces (5.3.5) here although SMTP answered it with 451, as in qmail-ldap.
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
    private final QuotaPolicy quotaPolicy;
    private final MaildirQuota quota = new MaildirQuota(Clock.systemUTC());
    private final QuotaWarning warning;
    private final boolean allowPrograms;
    private final LocalDelivery local;
    private final Optional<ClusterRelay> cluster;
    private final Optional<AutoReply> autoReply;

    /** A router with the default {@link QuotaPolicy}: only the entries' own quotas apply. */
    public Router(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Set<String> localDomains,
            Path mailRoot, String hostname, long lookupTimeoutMillis) {
        this(resolver, groups, queue, localDomains, mailRoot, hostname, lookupTimeoutMillis, QuotaPolicy.DEFAULT);
    }

    /**
     * @param lookupTimeoutMillis how long to wait for the directory before deferring; the
     *                            resolver has its own LDAP timeouts, this is a backstop
     * @param quotaPolicy         default quotas, bounce or defer over quota, the warning threshold
     */
    public Router(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Set<String> localDomains,
            Path mailRoot, String hostname, long lookupTimeoutMillis, QuotaPolicy quotaPolicy) {
        this(resolver, groups, queue, localDomains, mailRoot, hostname, lookupTimeoutMillis, quotaPolicy,
                ProgramPolicy.OFF, Optional.empty(), Optional.empty());
    }

    /**
     * @param programPolicy whether and how long deliveryProgramPath and .qmail programs may run
     * @param cluster       relays mail of users whose {@code mailHost} is another node; empty = every
     *                      mailbox is here
     * @param autoReply     answers for {@code deliveryMode reply}; empty = no auto-replies
     */
    public Router(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Set<String> localDomains,
            Path mailRoot, String hostname, long lookupTimeoutMillis, QuotaPolicy quotaPolicy,
            ProgramPolicy programPolicy, Optional<ClusterRelay> cluster, Optional<AutoReply> autoReply) {
        this.cluster = cluster;
        this.autoReply = autoReply;
        this.resolver = resolver;
        this.forwarder = new Forwarder(queue, lookupTimeoutMillis);
        this.groups = new GroupDelivery(groups, forwarder, lookupTimeoutMillis);
        this.localDomains = Set.copyOf(localDomains);
        this.mailRoot = mailRoot;
        this.maildir = new MaildirWriter(hostname);
        this.lookupTimeoutMillis = lookupTimeoutMillis;
        this.quotaPolicy = quotaPolicy;
        this.warning = new QuotaWarning(maildir, hostname, quotaPolicy);
        this.allowPrograms = programPolicy.allowed();
        this.local = new LocalDelivery(mailRoot, this::deliverToMaildir, forwarder, quotaPolicy, programPolicy);
    }

    /** True when {@code rcpt} is in a local domain; other recipients go to remote delivery. */
    public boolean isLocal(String rcpt) {
        return localDomains.contains(domainOf(rcpt));
    }

    /**
     * Whether a delivery on {@code answered} is local and quick: a mailbox, forwards, a reply, a
     * group, but no program (which may run for minutes) and no relay to another cluster node
     * (which may wait for it as long). Only such deliveries are made while an SMTP client waits.
     */
    public boolean quickToDeliver(Lookup answered) {
        DeliveryPlan plan = plan(answered);
        return plan.delivers() && plan.programs().isEmpty() && plan.relayHost().isEmpty()
                && (plan.dotQmail().isEmpty() || !allowPrograms);
    }

    /** Delivers {@code message} to its (local) recipient number {@code index}. */
    public DeliveryOutcome deliver(QueuedMessage message, int index) {
        return deliver(message, index, Optional.empty());
    }

    /**
     * As {@link #deliver(QueuedMessage, int)}, with the directory's answer for the recipient when the
     * caller has a fresh one; otherwise the directory is asked.
     */
    public DeliveryOutcome deliver(QueuedMessage message, int index, Optional<Lookup> answered) {
        String rcpt = message.envelope().recipients().get(index);
        if (!isLocal(rcpt)) {
            throw new IllegalArgumentException(rcpt + " is not local; remote delivery handles it");
        }
        Lookup lookup = answered.orElseGet(() -> lookup(rcpt));
        // The loop check comes after the status check (a disabled mailbox bounces as such) and
        // before any configuration problem, as in qmail-local.
        if (lookup instanceof Lookup.Found found && found.user().accountStatus().receivesMail()
                && HeaderScan.hasDeliveredTo(message.message(), rcpt)) {
            return new DeliveryOutcome.Failed("5.4.6", "message is looping: it already has my Delivered-To line");
        }
        DeliveryPlan plan = plan(lookup);
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
        Lookup.Found found = (Lookup.Found) lookup;
        long sizeMax = found.user().sizeMax();
        if (sizeMax > 0 && message.message().length > sizeMax) {
            // qmail-lspawn checks mailSizeMax before any delivery, forwards included.
            return new DeliveryOutcome.Failed("5.3.4", "message of " + message.message().length
                    + " bytes is larger than the recipient accepts (mailSizeMax " + sizeMax + ")");
        }
        if (plan.relayHost().isPresent() && cluster.isPresent()) {
            return cluster.get().relay(message, rcpt, plan.relayHost().get()); // the node holding the mailbox does the rest
        }
        return carryOut(plan, found, rcpt, message);
    }

    private DeliveryPlan plan(Lookup lookup) {
        return DeliveryPlan.of(lookup, mailRoot, allowPrograms, cluster.map(ClusterRelay::nodeNames).orElse(Set.of()));
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
        String replied = "";
        if (plan.replyText().isPresent() && autoReply.isPresent()) {
            // qmail-local runs the reply first; one already queued is not sent again on a retry.
            try {
                replied = autoReply.get().answer(message, rcpt, plan.replyText().get());
            } catch (Exception e) {
                return new DeliveryOutcome.Deferred("4.3.0", "cannot queue the auto-reply: " + e);
            }
        }
        DeliveryOutcome outcome = local.deliver(plan, found, rcpt, message);
        if (!(outcome instanceof DeliveryOutcome.Delivered)) {
            return outcome;
        }
        String detail = outcome.detail() + (replied.isEmpty() ? "" : (outcome.detail().isEmpty() ? "" : "; ") + replied);
        if (!found.candidate().equals(rcpt.toLowerCase(Locale.ROOT))) {
            detail += " (matched " + found.candidate()
                    + (found.extension().isEmpty() ? "" : ", extension " + found.extension()) + ')';
        }
        return new DeliveryOutcome.Delivered(detail);
    }

    // Delivered-To carries the envelope recipient as it came, delimiter extension and alias
    // domain included (qmail-local writes the full address too): loop detection and the user's
    // filters see what the sender wrote.
    private DeliveryOutcome deliverToMaildir(Path dir, String rcpt, QueuedMessage message, MailUser user) {
        String[] headers = {
            "Return-Path: <" + message.envelope().wireSender() + ">",
            "Delivered-To: " + rcpt,
        };
        byte[] content = MaildirWriter.withLfLineEnds(headers, message.message());
        QuotaLimits limits = quotaPolicy.limitsFor(user);
        QuotaUsage usage = QuotaUsage.NONE;
        Path file;
        try {
            if (!limits.unlimited()) {
                usage = quota.usage(dir, limits, content.length);
                if (usage.wouldExceed(limits, content.length)) {
                    return overQuota(dir, rcpt, usage.plusMessage(content.length), limits);
                }
            }
            file = maildir.deliver(dir, content);
        } catch (IOException e) {
            return new DeliveryOutcome.Deferred("4.3.0", "cannot write maildir " + dir + ": " + e);
        }
        // The message is durable from here on: a failure below must not make it deliver twice.
        try {
            if (!Maildirsize.append(dir, content.length, 1) && !limits.unlimited()) {
                quota.recalculate(dir, limits); // a new Maildir: start its maildirsize now
            }
            if (!limits.unlimited()) {
                warning.update(dir, rcpt, usage.plusMessage(content.length), limits);
            }
        } catch (IOException e) {
            log.warn("{}: delivered, but the quota bookkeeping in {} failed: {}", rcpt, dir, e.toString());
        }
        return new DeliveryOutcome.Delivered("delivered to maildir " + file.getParent().getParent());
    }

    /** Bounce 5.2.2 (as qmail-local) or defer 4.2.2 by policy; the user is warned first (qmail-quotawarn). */
    private DeliveryOutcome overQuota(Path dir, String rcpt, QuotaUsage wouldBe, QuotaLimits limits) {
        try {
            warning.update(dir, rcpt, wouldBe, limits);
        } catch (IOException e) {
            log.warn("{}: cannot write the quota warning into {}: {}", rcpt, dir, e.toString());
        }
        String detail = "mailbox full: " + wouldBe.bytes() + " bytes, " + wouldBe.count()
                + " messages with this one; quota " + limits.definition();
        return quotaPolicy.bounceOverQuota()
                ? new DeliveryOutcome.Failed("5.2.2", detail)
                : new DeliveryOutcome.Deferred("4.2.2", detail);
    }

    /** The lower-cased domain of {@code address}; empty when it has none. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
