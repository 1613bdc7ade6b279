package org.dirmail.mta.delivery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailUser;

/**
 * What delivery does with one directory answer, decided without touching the disk or the queue:
 * refuse (bounce or defer, with the status qmail-lspawn would give, qmail-ldap.md §2.4), store
 * in a Maildir under the mail root and/or forward and/or answer with an auto-reply, expand a group,
 * or relay to the cluster node named by {@code mailHost}. {@link Router} carries it out and
 * {@code dirmail lookup} prints it, so both always agree. Trusts nothing in the entry: the store
 * path goes through {@link MailStorePath}.
 *
 * @param refusal  why nothing is delivered: a {@link DeliveryOutcome.Failed} or
 *                 {@link DeliveryOutcome.Deferred}; empty when the plan delivers
 * @param maildir  the Maildir to store a copy in, resolved under the mail root
 * @param forwards the addresses to forward a copy to
 * @param group    the group whose members get one copy (qmail-group); then nothing is stored or forwarded
 * @param notes    why the plan is as it is (delivery modes, ignored attributes), for people
 * @param relayHost the cluster node ({@code mailHost}) that holds the mailbox; then nothing else is done here
 * @param replyText the {@code mailReplyText} to answer the sender with ({@code deliveryMode reply}), untrusted
 */
public record DeliveryPlan(Optional<DeliveryOutcome> refusal, Optional<Path> maildir, List<String> forwards,
        Optional<MailGroup> group, List<String> notes, Optional<String> relayHost, Optional<String> replyText) {

    private static final String NO_MAILBOX = "no mailbox here by that name";
    /** Moderation and sender confirmation are access controls: refused rather than skipped. */
    static final String NO_SECRETARY = "the group needs moderation or sender confirmation, which dirmail does not do";

    public DeliveryPlan {
        forwards = List.copyOf(forwards);
        notes = List.copyOf(notes);
    }

    /** A plan without cluster relay and auto-reply. */
    public DeliveryPlan(Optional<DeliveryOutcome> refusal, Optional<Path> maildir, List<String> forwards,
            Optional<MailGroup> group, List<String> notes) {
        this(refusal, maildir, forwards, group, notes, Optional.empty(), Optional.empty());
    }

    /**
     * The plan for a directory answer as seen without knowing this node's names: {@code mailHost}
     * is noted, never relayed to. {@code mailRoot} is where every Maildir must lie.
     */
    public static DeliveryPlan of(Lookup lookup, Path mailRoot) {
        return of(lookup, mailRoot, Set.of());
    }

    /**
     * The plan for a directory answer on the node called {@code nodeNames} (lower case; see
     * {@code ClusterConfig}); an entry whose {@code mailHost} is none of them is relayed there.
     */
    public static DeliveryPlan of(Lookup lookup, Path mailRoot, Set<String> nodeNames) {
        if (lookup instanceof Lookup.TempFail tf) {
            // qmail-lspawn: more than one entry is a permanent 5.3.5 at delivery, unlike SMTP's 451.
            return tf.ambiguous()
                    ? refused(new DeliveryOutcome.Failed("5.3.5", "too many directory entries, need a unique one: "
                            + tf.reason()))
                    : refused(new DeliveryOutcome.Deferred("4.4.3", "directory lookup failed: " + tf.reason()));
        }
        if (!(lookup instanceof Lookup.Found found)) {
            return refused(new DeliveryOutcome.Failed("5.1.1", NO_MAILBOX));
        }
        MailUser user = found.user();
        switch (user.accountStatus()) {
            case DISABLED:
                return refused(new DeliveryOutcome.Failed("5.2.1", "mailbox disabled"));
            case DELETED:
                return refused(new DeliveryOutcome.Failed("5.1.1", NO_MAILBOX));
            default:
                if (!nodeNames.isEmpty() && user.mailHost().isPresent()
                        && !nodeNames.contains(user.mailHost().get().toLowerCase(Locale.ROOT))) {
                    return forOtherNode(user.mailHost().get());
                }
                return user.group().isPresent() ? forGroup(user.group().get()) : forUser(user, mailRoot);
        }
    }

    /** True when the plan delivers somewhere. */
    public boolean delivers() {
        return refusal.isEmpty();
    }

    /** The plan as lines of text, the way {@code dirmail lookup} prints it. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (refusal.isPresent()) {
            DeliveryOutcome r = refusal.get();
            String status = r instanceof DeliveryOutcome.Failed f ? f.status() : ((DeliveryOutcome.Deferred) r).status();
            lines.add("delivery:    " + (r instanceof DeliveryOutcome.Failed ? "bounce " : "defer ") + status
                    + " (" + r.detail() + ")");
        } else if (relayHost.isPresent()) {
            lines.add("delivery:    relay to cluster node " + relayHost.get() + " (its mailHost)");
        } else if (group.isPresent()) {
            lines.add("delivery:    expand the group: one copy to all members");
        } else {
            lines.add("delivery:    " + (maildir.isPresent() ? "store" : "no local copy")
                    + (forwards.isEmpty() ? "" : (maildir.isPresent() ? " and forward" : ", forward"))
                    + (replyText.isPresent() ? ", autoreply" : ""));
        }
        maildir.ifPresent(dir -> lines.add("  maildir:   " + dir));
        forwards.forEach(address -> lines.add("  forward:   " + address));
        replyText.ifPresent(text -> lines.add("  autoreply: " + AutoReply.preview(text)));
        notes.forEach(note -> lines.add("  note:      " + note));
        return lines;
    }

    // The deliveryMode switches of qmail-ldap.md §3.1 that dirmail honours, in qmail-local's order:
    // local delivery first, then forwards.
    private static DeliveryPlan forUser(MailUser user, Path mailRoot) {
        List<String> notes = new ArrayList<>();
        Set<String> modes = Set.copyOf(user.deliveryModes());
        if (!modes.isEmpty()) {
            notes.add("deliveryMode " + String.join(", ", user.deliveryModes()));
        }
        user.mailHost().ifPresent(host -> notes.add("mailHost " + host + ": the mailbox is here when that names "
                + "this node (hostname, cluster_hosts), else mail is relayed there"));
        Optional<String> reply = replyOf(user, modes, notes);
        boolean noLocal = modes.contains("nolocal") || modes.contains("nombox") || modes.contains("forwardonly");
        List<String> forwards = modes.contains("noforward") ? List.of() : user.forwardingAddresses();
        if (modes.contains("noforward") && !user.forwardingAddresses().isEmpty()) {
            notes.add("mailForwardingAddress ignored: deliveryMode noforward");
        }
        Optional<Path> maildir = Optional.empty();
        if (user.mailMessageStore().isPresent() && !noLocal) {
            String store = user.mailMessageStore().get();
            if (!MailStorePath.isMaildir(store)) {
                return refused(new DeliveryOutcome.Deferred("4.3.5", "mbox delivery to '" + store + "' is not supported yet"));
            }
            try {
                maildir = Optional.of(MailStorePath.resolve(mailRoot, store));
            } catch (MailStorePath.BadStoreException e) {
                // A configuration error: defer (as Postfix does) so the admin can fix the entry.
                return refused(new DeliveryOutcome.Deferred("4.3.5", e.getMessage()));
            }
        } else if (user.mailMessageStore().isPresent()) {
            notes.add("mailMessageStore " + user.mailMessageStore().get() + " not used: no local delivery");
        }
        if (maildir.isEmpty() && forwards.isEmpty() && reply.isEmpty()) {
            // Nothing to deliver to: a configuration error the admin can fix, so defer (as Postfix does).
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has no mailbox and no forwarding address"));
        }
        if (!Forwarder.allValid(forwards)) {
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has an invalid mailForwardingAddress"));
        }
        return new DeliveryPlan(Optional.empty(), maildir, forwards, Optional.empty(), notes, Optional.empty(), reply);
    }

    // qmail-ldap.md §3.1: reply needs mailReplyText; without it qmail-local only logs a warning.
    private static Optional<String> replyOf(MailUser user, Set<String> modes, List<String> notes) {
        if (!modes.contains("reply")) {
            return Optional.empty();
        }
        if (user.replyText().isEmpty() || user.replyText().get().isBlank()) {
            notes.add("deliveryMode reply without mailReplyText: no auto-reply");
            return Optional.empty();
        }
        notes.add("autoreply: once per sender within autoreply_interval, never to <>, lists or bulk mail");
        return user.replyText();
    }

    // qmail-ldap.md §6: the mailbox is on another node; that node does everything else.
    private static DeliveryPlan forOtherNode(String mailHost) {
        if (!ClusterRelay.validHost(mailHost)) {
            return refused(new DeliveryOutcome.Deferred("4.3.5", "illegal mailHost value"));
        }
        return new DeliveryPlan(Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                List.of("mailHost " + mailHost + " is another node: relayed there"),
                Optional.of(mailHost.toLowerCase(Locale.ROOT)), Optional.empty());
    }

    // qmail-ldap.md §8.1: deliveryMode and the Maildir are not used for a group; its mail goes to
    // the members, expanded live by the Router.
    private static DeliveryPlan forGroup(MailGroup group) {
        if (group.needsSecretary()) {
            return refused(new DeliveryOutcome.Failed("5.7.1", NO_SECRETARY));
        }
        List<String> notes = new ArrayList<>();
        notes.add("qmailGroup: deliveryMode, mailForwardingAddress and mailMessageStore are not used");
        if (group.membersOnly()) {
            notes.add("membersonly: only " + (group.hasSenders() ? "the listed senders" : "members") + " may post");
        }
        if (!group.bounceAdmins().isEmpty()) {
            notes.add("bounceadmin " + group.bounceAdmins().get(0) + " is the envelope sender of the members' copy");
        }
        return new DeliveryPlan(Optional.empty(), Optional.empty(), List.of(), Optional.of(group), notes);
    }

    private static DeliveryPlan refused(DeliveryOutcome why) {
        return new DeliveryPlan(Optional.of(why), Optional.empty(), List.of(), Optional.empty(), List.of());
    }
}
