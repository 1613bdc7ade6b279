package org.dirmail.mta.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.PostingDecision;
import org.dirmail.mta.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a message to a group the way qmail-group does (qmail-ldap.md §8.1): checks
 * {@code membersonly} again against the envelope sender, expands the members live, and re-queues
 * ONE copy to all of them, durably, with {@code Delivered-To:} (loop protection) and
 * {@code Precedence: bulk} on top. The copy's envelope sender is the group's {@code bounceadmin}
 * when set, else the original sender; a null sender stays null. Member addresses come from the directory and are checked
 * before they enter the envelope. Runs on delivery threads: it blocks on the directory and the queue.
 */
final class GroupDelivery {

    private static final Logger log = LoggerFactory.getLogger(GroupDelivery.class);

    /** The same words as the RCPT refusal (RFC 3463 X.7.1: delivery not authorized). */
    static final String MEMBERS_ONLY = "only members may post";
    /** RFC 3463 X.2.4: mailing list expansion problem; qmail-group's wording. */
    static final String NO_RECIPIENTS = "no recipients found in this group";

    private final MailGroups groups;
    private final Forwarder forwarder;
    private final long timeoutMillis;

    GroupDelivery(MailGroups groups, Forwarder forwarder, long timeoutMillis) {
        this.groups = groups;
        this.forwarder = forwarder;
        this.timeoutMillis = timeoutMillis;
    }

    /** Delivers {@code message}, addressed to {@code rcpt}, to the members of {@code group}. */
    DeliveryOutcome deliver(MailGroup group, String rcpt, QueuedMessage message) {
        String sender = message.envelope().sender();
        PostingDecision posting = await(groups.mayPost(group, sender),
                reason -> new PostingDecision.TempFail(reason, false));
        if (posting instanceof PostingDecision.Refused refused) {
            log.info("{}: <{}> may not post to {}: {}", message.id(), sender, rcpt, refused.detail());
            return new DeliveryOutcome.Failed("5.7.1", MEMBERS_ONLY);
        }
        if (posting instanceof PostingDecision.TempFail tf) {
            return deferred(tf.badData(), "members-only check failed: " + tf.detail());
        }
        GroupExpansion expansion = await(groups.expand(group), reason -> new GroupExpansion.TempFail(reason, false));
        if (expansion instanceof GroupExpansion.TempFail tf) {
            return deferred(tf.badData(), "group expansion failed: " + tf.reason());
        }
        GroupExpansion.Members members = (GroupExpansion.Members) expansion;
        List<String> targets = new ArrayList<>();
        for (String address : members.addresses()) {
            if (Forwarder.valid(address)) {
                targets.add(address);
            } else {
                // One bad value must not hold up the whole list: skipped, and said so.
                log.warn("{}: group {} has an invalid member address, skipped: {}", message.id(), group.dn(),
                        printable(address));
            }
        }
        members.notes().forEach(note -> log.info("{}: group {}: {}", message.id(), rcpt, printable(note)));
        if (targets.isEmpty()) {
            return new DeliveryOutcome.Failed("5.2.4", NO_RECIPIENTS);
        }
        // A bounce stays a bounce: giving it a real sender could make bounces loop (bounce/Bouncer).
        String envelopeSender = sender.isEmpty() || message.envelope().isDoubleBounce() ? sender
                : bounceAddress(group, message).orElse(sender);
        try {
            String id = forwarder.requeue(envelopeSender, targets, message.message(),
                    "Delivered-To: " + rcpt, "Precedence: bulk");
            return new DeliveryOutcome.Delivered("expanded to " + targets.size() + " member"
                    + (targets.size() == 1 ? "" : "s") + " as " + id
                    + (envelopeSender.equals(sender) ? "" : ", envelope sender <" + envelopeSender + ">"));
        } catch (Exception e) {
            return new DeliveryOutcome.Deferred("4.3.0", "cannot queue the group's copy: " + e);
        }
    }

    // qmail-group sends with a VERP sender that routes member bounces back to bounceadmin; here
    // the first valid bounceadmin is the envelope sender itself, so member bounces go to it.
    private static Optional<String> bounceAddress(MailGroup group, QueuedMessage message) {
        for (String admin : group.bounceAdmins()) {
            if (Forwarder.valid(admin)) {
                return Optional.of(admin);
            }
            log.warn("{}: group {} has an invalid bounceadmin, ignored: {}", message.id(), group.dn(), printable(admin));
        }
        return Optional.empty();
    }

    private static DeliveryOutcome deferred(boolean badData, String detail) {
        if (badData) {
            // The entry needs an admin; as for other configuration errors, defer (as Postfix does).
            log.error("{}", detail);
            return new DeliveryOutcome.Deferred("4.3.5", detail);
        }
        return new DeliveryOutcome.Deferred("4.4.3", detail);
    }

    private <T> T await(CompletionStage<T> stage, Function<String, T> failure) {
        try {
            return stage.toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return failure.apply("directory did not answer within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            return failure.apply(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure.apply("interrupted");
        }
    }

    // Directory text in a log line: printable ASCII only, bounded.
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
