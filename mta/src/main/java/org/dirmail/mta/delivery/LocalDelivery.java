package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a user's {@link DeliveryPlan} in qmail-local's order (qmail-ldap.md §3.1, §11.6):
 * the entry's programs, its mailbox (Maildir or mbox), the {@code .qmail} lines in file order,
 * and last the forwards, queued once every other step has succeeded. The first step that fails
 * ends the delivery with its outcome, so no forward leaves for a recipient that is retried; a
 * program exiting 99 ends it successfully. Trusts the plan; re-reads the {@code .qmail} file.
 */
final class LocalDelivery {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);
    /** qmail-local gives up on a locked mbox after 30 s; a dotlock older than 5 min is stale (procmail: 17 min). */
    private static final Duration MBOX_LOCK_WAIT = Duration.ofSeconds(30);
    private static final Duration MBOX_STALE_LOCK = Duration.ofMinutes(5);

    /** Stores one copy in a Maildir, quota included (the {@link Router}'s job). */
    interface MaildirStore {
        DeliveryOutcome store(Path dir, String rcpt, QueuedMessage message, MailUser user);
    }

    private final Path mailRoot;
    private final MaildirStore maildir;
    private final MboxWriter mbox;
    private final ProgramRunner programs;
    private final DotQmailDelivery dotQmail;
    private final Forwarder forwarder;
    private final QuotaPolicy quotaPolicy;

    LocalDelivery(Path mailRoot, MaildirStore maildir, Forwarder forwarder, QuotaPolicy quotaPolicy,
            ProgramPolicy programPolicy) {
        this(mailRoot, maildir, forwarder, quotaPolicy, new MboxWriter(MBOX_LOCK_WAIT, MBOX_STALE_LOCK),
                new ProgramRunner(programPolicy.timeout()));
    }

    LocalDelivery(Path mailRoot, MaildirStore maildir, Forwarder forwarder, QuotaPolicy quotaPolicy, MboxWriter mbox,
            ProgramRunner programs) {
        this.mailRoot = mailRoot;
        this.maildir = maildir;
        this.forwarder = forwarder;
        this.quotaPolicy = quotaPolicy;
        this.mbox = mbox;
        this.programs = programs;
        this.dotQmail = new DotQmailDelivery(mailRoot);
    }

    /** Delivers one recipient's copy; the detail says what was done, for the log line. */
    DeliveryOutcome deliver(DeliveryPlan plan, Lookup.Found found, String rcpt, QueuedMessage message) {
        List<DeliveryStep> steps = new ArrayList<>();
        plan.programs().forEach(command -> steps.add(new DeliveryStep.Program(command)));
        Optional<List<DeliveryStep>> dotLines = Optional.empty();
        if (plan.dotQmail().isPresent()) {
            try {
                dotLines = dotQmail.steps(plan.dotQmail().get());
            } catch (DotQmailDelivery.RefusedException e) {
                return e.outcome();
            }
        }
        // dotonly: the mailbox is the default delivery, for a missing or empty .qmail only.
        if (dotLines.isEmpty() || !plan.dotQmail().get().dotOnly()) {
            plan.maildir().ifPresent(dir -> steps.add(new DeliveryStep.Maildir(dir)));
            plan.mbox().ifPresent(file -> steps.add(new DeliveryStep.Mbox(file)));
        }
        plan.forwards().forEach(address -> steps.add(new DeliveryStep.Forward(address)));
        dotLines.ifPresent(steps::addAll);
        if (steps.isEmpty() && dotLines.isEmpty()) {
            // No .qmail and nothing of the entry's own: a configuration error, deferred like the plan's.
            return new DeliveryOutcome.Deferred("4.3.5", found.user().dn() + " has no mailbox, forward or program"
                    + " and no " + plan.dotQmail().map(DotQmailRules::fileName).orElse(".qmail") + " file");
        }
        return run(steps, plan.home().orElse(mailRoot), found, rcpt, message);
    }

    private DeliveryOutcome run(List<DeliveryStep> steps, Path home, Lookup.Found found, String rcpt,
            QueuedMessage message) {
        List<String> forwards = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (DeliveryStep step : steps) {
            if (step instanceof DeliveryStep.Forward forward) {
                if (!forwards.contains(forward.address())) {
                    forwards.add(forward.address());
                }
                continue;
            }
            DeliveryOutcome outcome;
            boolean stop = false;
            if (step instanceof DeliveryStep.Maildir m) {
                outcome = maildir.store(m.dir(), rcpt, message, found.user());
            } else if (step instanceof DeliveryStep.Mbox m) {
                outcome = toMbox(m.file(), rcpt, message, found.user());
            } else {
                ProgramRunner.Result result = runProgram(((DeliveryStep.Program) step).command(), home, found, rcpt,
                        message);
                outcome = outcome(result);
                stop = result.status() == ProgramRunner.Status.DELIVERED_STOP;
            }
            if (!(outcome instanceof DeliveryOutcome.Delivered)) {
                return outcome;
            }
            done.add(outcome.detail());
            if (stop) {
                break;
            }
        }
        if (!forwards.isEmpty()) {
            try {
                String id = forwarder.forward(message.envelope().sender(), rcpt, forwards, message.message());
                done.add("forwarded to " + String.join(", ", forwards) + " as " + id);
            } catch (Exception e) {
                return new DeliveryOutcome.Deferred("4.3.0", "cannot queue the forwarded copy: " + e);
            }
        }
        // A .qmail of comments only delivers nothing, as in qmail: the way to discard mail.
        return new DeliveryOutcome.Delivered(done.isEmpty() ? "discarded: the .qmail file has no deliveries"
                : String.join("; ", done));
    }

    private DeliveryOutcome toMbox(Path file, String rcpt, QueuedMessage message, MailUser user) {
        String sender = message.envelope().sender();
        String[] headers = {"Return-Path: <" + sender + ">", "Delivered-To: " + rcpt};
        QuotaLimits limits = quotaPolicy.limitsFor(user);
        try {
            // qmail-ldap.md §7: for mbox only the size counts, file size plus message size.
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (limits.bytes() > 0 && size + message.message().length > limits.bytes()) {
                String detail = "mailbox full: " + (size + message.message().length) + " bytes with this one; quota "
                        + limits.bytes() + " bytes";
                return quotaPolicy.bounceOverQuota() ? new DeliveryOutcome.Failed("5.2.2", detail)
                        : new DeliveryOutcome.Deferred("4.2.2", detail);
            }
            mbox.append(file, sender, headers, message.message(), Instant.now());
        } catch (IOException e) {
            return new DeliveryOutcome.Deferred("4.3.0", "cannot write mbox " + file + ": " + e.getMessage());
        }
        return new DeliveryOutcome.Delivered("delivered to mbox " + file);
    }

    // qmail-command(8): the message without Return-Path and Delivered-To, which come as RPLINE
    // and DTLINE; the variables are hostile text and documented as such.
    private ProgramRunner.Result runProgram(String command, Path home, Lookup.Found found, String rcpt,
            QueuedMessage message) {
        String sender = message.envelope().sender();
        int at = rcpt.lastIndexOf('@');
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SENDER", sender);
        env.put("RECIPIENT", rcpt);
        env.put("LOCAL", at < 0 ? rcpt : rcpt.substring(0, at));
        env.put("HOST", at < 0 ? "" : rcpt.substring(at + 1).toLowerCase(Locale.ROOT));
        env.put("EXT", found.extension());
        env.put("USER", found.user().uid().orElse(""));
        env.put("HOME", home.toString());
        env.put("DTLINE", "Delivered-To: " + rcpt + "\n");
        env.put("RPLINE", "Return-Path: <" + sender + ">\n");
        byte[] stdin = MaildirWriter.withLfLineEnds(new String[0], message.message());
        ProgramRunner.Result result = programs.run(command, stdin, env, home);
        log.info("{}: program '{}' for {}: {}", found.user().dn(), command, rcpt, result.detail());
        return result;
    }

    private static DeliveryOutcome outcome(ProgramRunner.Result result) {
        switch (result.status()) {
            case DELIVERED:
            case DELIVERED_STOP:
                return new DeliveryOutcome.Delivered(result.detail());
            case FAILED:
                return new DeliveryOutcome.Failed("5.3.0", result.detail());
            default:
                return new DeliveryOutcome.Deferred("4.3.0", result.detail());
        }
    }
}
