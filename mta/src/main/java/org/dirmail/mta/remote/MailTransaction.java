package org.dirmail.mta.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One MAIL-RCPT-DATA transaction for all recipients of a message, after the session is ready.
 * With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and the replies are taken
 * in order; without it, one command per reply. A 4xx/5xx to MAIL or to the data applies to every
 * recipient, a reply to RCPT to that recipient only. Runs on the connection's event loop.
 */
final class MailTransaction {

    /** What the transaction needs from the connection. */
    interface Wire {
        /** Writes one command line (not flushed); {@code onReply} gets its reply, in order. */
        void send(String command, Duration timeout, Consumer<ClientReply> onReply);

        void flush();

        /** Writes the message data and the final dot; {@code onReply} gets the reply to it. */
        void sendData(Consumer<ClientReply> onReply);

        /** The answer for every recipient; the connection then says QUIT. */
        void finish(Map<String, RecipientStatus> statuses);
    }

    private final SessionPlan plan;
    private final EhloCapabilities caps;
    private final Wire wire;
    private final Map<String, RecipientStatus> statuses = new LinkedHashMap<>();
    private final List<String> accepted = new ArrayList<>();
    private ClientReply mailReply;

    MailTransaction(SessionPlan plan, EhloCapabilities caps, Wire wire) {
        this.plan = plan;
        this.caps = caps;
        this.wire = wire;
    }

    void start() {
        long size = plan.message().length;
        if (caps.tooLarge(size)) {
            // RFC 1870 6.1: the server told us its limit; sending would only earn a 552.
            finishAll(RecipientStatus.failed("5.3.4", "message size " + size + " exceeds the limit of "
                    + caps.sizeLimit() + " of " + plan.host()));
            return;
        }
        Duration command = plan.timeouts().command();
        if (caps.pipelining()) {
            wire.send(mailCommand(), command, r -> mailReply = r);
            for (String rcpt : plan.recipients()) {
                wire.send(rcptCommand(rcpt), command, r -> recipientReply(rcpt, r));
            }
            wire.send("DATA", plan.timeouts().dataInit(), this::pipelinedDataReply);
        } else {
            wire.send(mailCommand(), command, this::mailReply);
        }
        wire.flush();
    }

    /**
     * The statuses when the connection broke or timed out mid-transaction: a recipient already
     * refused with 5xx stays failed, every other one is {@code reason}.
     */
    Map<String, RecipientStatus> afterFailure(RecipientStatus.Deferred reason) {
        Map<String, RecipientStatus> out = new LinkedHashMap<>();
        for (String rcpt : plan.recipients()) {
            RecipientStatus s = statuses.get(rcpt);
            out.put(rcpt, s instanceof RecipientStatus.Failed ? s : reason);
        }
        return out;
    }

    private String mailCommand() {
        StringBuilder b = new StringBuilder("MAIL FROM:<").append(plan.sender()).append('>');
        if (caps.sizeOffered()) {
            b.append(" SIZE=").append(plan.message().length); // RFC 1870 3
        }
        if (caps.eightBitMime() && DataEncoder.hasEightBit(plan.message())) {
            b.append(" BODY=8BITMIME"); // RFC 6152 3
        }
        return b.toString();
    }

    private static String rcptCommand(String rcpt) {
        return "RCPT TO:<" + rcpt + ">";
    }

    private void mailReply(ClientReply r) {
        mailReply = r;
        if (!r.positive()) {
            finishAll(r.status(plan.host()));
            return;
        }
        nextRecipient(0);
    }

    private void nextRecipient(int i) {
        if (i == plan.recipients().size()) {
            if (accepted.isEmpty()) {
                finish();
            } else {
                wire.send("DATA", plan.timeouts().dataInit(), this::dataReply);
                wire.flush();
            }
            return;
        }
        String rcpt = plan.recipients().get(i);
        wire.send(rcptCommand(rcpt), plan.timeouts().command(), r -> {
            recipientReply(rcpt, r);
            nextRecipient(i + 1);
        });
        wire.flush();
    }

    private void recipientReply(String rcpt, ClientReply r) {
        if (!mailReply.positive()) {
            return; // the MAIL reply decides for everyone (RFC 2920 3.1: these replies are 503s)
        }
        if (r.positive()) {
            accepted.add(rcpt);
        } else {
            statuses.put(rcpt, r.status(plan.host()));
        }
    }

    private void pipelinedDataReply(ClientReply r) {
        boolean mailOk = mailReply.positive();
        if (!mailOk || accepted.isEmpty()) {
            Runnable done = mailOk ? this::finish : () -> finishAll(mailReply.status(plan.host()));
            if (r.intermediate()) {
                // A broken server said 354 with nobody to deliver to: send an empty message (RFC 2920 3.1).
                wire.send(".", plan.timeouts().dataDone(), ignored -> done.run());
                wire.flush();
            } else {
                done.run();
            }
            return;
        }
        dataReply(r);
    }

    private void dataReply(ClientReply r) {
        if (r.code() == 354) {
            wire.sendData(this::finalReply);
        } else {
            finalReply(r);
        }
    }

    /** The reply to the data (or to DATA itself) decides for every accepted recipient. */
    private void finalReply(ClientReply r) {
        for (String rcpt : accepted) {
            statuses.put(rcpt, r.status(plan.host()));
        }
        finish();
    }

    private void finishAll(RecipientStatus status) {
        for (String rcpt : plan.recipients()) {
            statuses.put(rcpt, status);
        }
        finish();
    }

    private void finish() {
        Map<String, RecipientStatus> out = new LinkedHashMap<>();
        for (String rcpt : plan.recipients()) {
            out.put(rcpt, statuses.getOrDefault(rcpt,
                    RecipientStatus.deferred("4.4.2", plan.host() + ": transaction ended without a reply")));
        }
        wire.finish(out);
    }
}
