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
 * refuse (bounce or defer, with the status qmail-lspawn would give, qmail-ldap.md §2.4), or run
 * programs, store in a Maildir or mbox under the mail root, obey a {@code .qmail} file and forward,
 * as the entry's qmailDotMode and deliveryMode say (§3), and answer with an auto-reply; or expand
 * a group, or relay to the cluster node named by {@code mailHost}. {@link Router} carries
 * it out and {@code dirmail lookup} prints it, so both always agree. Trusts nothing in the entry:
 * every path goes through {@link MailStorePath}, programs through a character check.
 *
 * @param refusal  why nothing is delivered: a {@link DeliveryOutcome.Failed} or
 *                 {@link DeliveryOutcome.Deferred}; empty when the plan delivers
 * @param maildir  the Maildir to store a copy in, resolved under the mail root
 * @param mbox     the mbox file to append a copy to, resolved under the mail root
 * @param programs the deliveryProgramPath commands to run (only when allowed)
 * @param forwards the addresses to forward a copy to
 * @param dotQmail how to read and obey the {@code .qmail} file at delivery, when the dot mode uses it
 * @param home     the entry's home (homeDirectory, else the directory holding its mailbox): where
 *                 programs run and {@code .qmail} files live
 * @param group    the group whose members get one copy (qmail-group); then nothing is stored or forwarded
 * @param notes    why the plan is as it is (delivery modes, ignored attributes), for people
 * @param relayHost the cluster node ({@code mailHost}) that holds the mailbox; then nothing else is done here
 * @param replyText the {@code mailReplyText} to answer the sender with ({@code deliveryMode reply}), untrusted
 */
public record DeliveryPlan(Optional<DeliveryOutcome> refusal, Optional<Path> maildir, Optional<Path> mbox,
        List<String> programs, List<String> forwards, Optional<DotQmailRules> dotQmail, Optional<Path> home,
        Optional<MailGroup> group, List<String> notes, Optional<String> relayHost, Optional<String> replyText) {

    private static final String NO_MAILBOX = "no mailbox here by that name";
    /** Moderation and sender confirmation are access controls: refused rather than skipped. */
    static final String NO_SECRETARY = "the group needs moderation or sender confirmation, which dirmail does not do";
    private static final Set<String> DOT_MODES = Set.of("ldaponly", "ldapwithprog", "dotonly", "both");

    public DeliveryPlan {
        programs = List.copyOf(programs);
        forwards = List.copyOf(forwards);
        notes = List.copyOf(notes);
    }

    /**
     * The plan with programs off ({@code allow_programs = no}) and without knowing this node's
     * names ({@code mailHost} is noted, never relayed to); {@code mailRoot} is where every mailbox must lie.
     */
    public static DeliveryPlan of(Lookup lookup, Path mailRoot) {
        return of(lookup, mailRoot, false, Set.of());
    }

    /**
     * The plan for a directory answer.
     *
     * @param mailRoot      where every mailbox, home and {@code .qmail} path must lie
     * @param allowPrograms {@code allow_programs}: whether deliveryProgramPath and {@code |} lines may run at all
     * @param nodeNames     this node's names, lower case (see {@code ClusterConfig}): an entry whose
     *                      {@code mailHost} is none of them is relayed there; empty = never relay
     */
    public static DeliveryPlan of(Lookup lookup, Path mailRoot, boolean allowPrograms, Set<String> nodeNames) {
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
                return user.group().isPresent() ? forGroup(user.group().get())
                        : forUser(user, found.extension(), mailRoot, allowPrograms);
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
        } else if (group.isPresent()) {
            lines.add("delivery:    expand the group: one copy to all members");
        } else if (relayHost.isPresent()) {
            lines.add("delivery:    relay to cluster node " + relayHost.get() + " (its mailHost)");
        } else {
            lines.add("delivery:    " + summary());
        }
        if (!programs.isEmpty() || dotQmail.isPresent()) {
            home.ifPresent(dir -> lines.add("  home:      " + dir));
        }
        programs.forEach(command -> lines.add("  program:   " + command));
        maildir.ifPresent(dir -> lines.add("  maildir:   " + dir));
        mbox.ifPresent(file -> lines.add("  mbox:      " + file));
        dotQmail.ifPresent(dot -> lines.add("  .qmail:    " + dot.home().resolve(dot.fileName())
                + (dot.extension().isEmpty() ? "" : " (or a -default file)") + ", read at delivery"));
        forwards.forEach(address -> lines.add("  forward:   " + address));
        replyText.ifPresent(text -> lines.add("  autoreply: " + AutoReply.preview(text)));
        notes.forEach(note -> lines.add("  note:      " + note));
        return lines;
    }

    // In qmail-local's order: programs, the mailbox, the .qmail lines, forwards last.
    private String summary() {
        boolean stores = maildir.isPresent() || mbox.isPresent();
        String local = (stores ? "store" : "no local copy")
                + (forwards.isEmpty() ? "" : (stores ? " and forward" : ", forward"));
        if (!programs.isEmpty()) {
            local = "run " + (programs.size() == 1 ? "a program" : programs.size() + " programs") + ", " + local;
        }
        if (dotQmail.isPresent()) {
            DotQmailRules dot = dotQmail.get();
            return dot.dotOnly() ? "obey " + dot.fileName() + " (when it is missing or empty: " + local + ")"
                    : local + ", obey " + dot.fileName();
        }
        return local + (replyText.isPresent() ? ", autoreply" : "");
    }

    // The qmailDotMode and deliveryMode switches of qmail-ldap.md §3 that dirmail honours.
    private static DeliveryPlan forUser(MailUser user, String extension, Path mailRoot, boolean allowPrograms) {
        String dotMode = user.dotMode().orElse("ldaponly");
        // §3.3: only ldaponly is compared without regard to case.
        dotMode = dotMode.equalsIgnoreCase("ldaponly") ? "ldaponly" : dotMode;
        if (!DOT_MODES.contains(dotMode)) {
            // qmail-ldap bounces 5.3.5; a configuration error the admin can fix defers here (as Postfix does).
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has an illegal qmailDotMode '"
                    + dotMode + "': ldaponly, ldapwithprog, dotonly or both"));
        }
        boolean dotOnly = dotMode.equals("dotonly");
        List<String> notes = new ArrayList<>();
        if (!user.deliveryModes().isEmpty()) {
            notes.add("deliveryMode " + String.join(", ", user.deliveryModes())
                    + (dotOnly ? " not used: qmailDotMode dotonly" : ""));
        }
        if (!dotMode.equals("ldaponly")) {
            notes.add("qmailDotMode " + dotMode);
        }
        user.mailHost().ifPresent(host -> notes.add("mailHost " + host + ": the mailbox is here when that names "
                + "this node (hostname, cluster_hosts), else mail is relayed there"));
        Set<String> modes = dotOnly ? Set.of() : Set.copyOf(user.deliveryModes());
        Optional<String> reply = replyOf(user, modes, notes);
        boolean forwardOnly = modes.contains("forwardonly");
        boolean noLocal = modes.contains("nolocal") || modes.contains("nombox") || forwardOnly;
        boolean noProgram = modes.contains("noprogram") || forwardOnly;
        List<String> forwards = modes.contains("noforward") || dotOnly ? List.of() : user.forwardingAddresses();
        if (forwards.isEmpty() && !user.forwardingAddresses().isEmpty()) {
            notes.add("mailForwardingAddress ignored: " + (dotOnly ? "qmailDotMode dotonly" : "deliveryMode noforward"));
        }
        List<String> programs = ProgramRules.ldapPrograms(user, dotMode, allowPrograms, noProgram, notes);
        Optional<Path> maildir = Optional.empty();
        Optional<Path> mbox = Optional.empty();
        Optional<Path> home;
        try {
            if (user.mailMessageStore().isPresent() && !noLocal) {
                String store = user.mailMessageStore().get();
                Path path = MailStorePath.resolve(mailRoot, store);
                maildir = MailStorePath.isMaildir(store) ? Optional.of(path) : Optional.empty();
                mbox = MailStorePath.isMaildir(store) ? Optional.empty() : Optional.of(path);
            } else if (user.mailMessageStore().isPresent()) {
                notes.add("mailMessageStore " + user.mailMessageStore().get() + " not used: no local delivery");
            }
            home = home(user, mailRoot);
        } catch (MailStorePath.BadStoreException e) {
            // A configuration error: defer (as Postfix does) so the admin can fix the entry.
            return refused(new DeliveryOutcome.Deferred("4.3.5", e.getMessage()));
        }
        if (!ProgramRules.allAllowed(programs)) {
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has a deliveryProgramPath with "
                    + "characters qmail-ldap refuses (RESTRICT_PROG)"));
        }
        Optional<DotQmailRules> dot = Optional.empty();
        if (dotOnly || dotMode.equals("both")) {
            if (home.isEmpty()) {
                return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has qmailDotMode " + dotMode
                        + " but neither homeDirectory nor mailMessageStore to find .qmail in"));
            }
            dot = Optional.of(new DotQmailRules(home.get(), extension, dotOnly, !noLocal,
                    !modes.contains("noforward"), allowPrograms && !noProgram, forwardOnly));
            if (!allowPrograms) {
                notes.add(".qmail program lines are not run: allow_programs is off");
            }
        }
        if (maildir.isEmpty() && mbox.isEmpty() && forwards.isEmpty() && programs.isEmpty() && dot.isEmpty()
                && reply.isEmpty()) {
            // Nothing to deliver to: a configuration error the admin can fix, so defer (as Postfix does).
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has no mailbox and no forwarding address"
                    + (user.deliveryPrograms().isEmpty() ? "" : " and no program it may run")));
        }
        if (!Forwarder.allValid(forwards)) {
            return refused(new DeliveryOutcome.Deferred("4.3.5", user.dn() + " has an invalid mailForwardingAddress"));
        }
        return new DeliveryPlan(Optional.empty(), maildir, mbox, programs, forwards, dot, home, Optional.empty(), notes,
                Optional.empty(), reply);
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
        return new DeliveryPlan(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(),
                List.of("mailHost " + mailHost + " is another node: relayed there"),
                Optional.of(mailHost.toLowerCase(Locale.ROOT)), Optional.empty());
    }

    // qmail-lspawn's HOME: homeDirectory, else where the mailbox lies (dirmail's stores name the
    // Maildir or mbox itself, so its parent plays qmail-ldap's "mailMessageStore as HOME").
    private static Optional<Path> home(MailUser user, Path mailRoot) throws MailStorePath.BadStoreException {
        if (user.homeDirectory().isPresent()) {
            return Optional.of(MailStorePath.resolve(mailRoot, user.homeDirectory().get(), "homeDirectory"));
        }
        if (user.mailMessageStore().isPresent()) {
            Path store = MailStorePath.resolve(mailRoot, user.mailMessageStore().get());
            Path parent = store.getParent();
            return parent.equals(mailRoot.toAbsolutePath().normalize()) ? Optional.empty() : Optional.of(parent);
        }
        return Optional.empty();
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
        return new DeliveryPlan(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.of(group), notes, Optional.empty(), Optional.empty());
    }

    private static DeliveryPlan refused(DeliveryOutcome why) {
        return new DeliveryPlan(Optional.of(why), Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }
}
