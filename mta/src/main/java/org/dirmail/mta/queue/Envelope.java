package org.dirmail.mta.queue;

import java.time.Instant;
import java.util.List;

/**
 * What the SMTP transaction established about a message, apart from its bytes.
 *
 * @param sender     the reverse path without angle brackets; empty for the null sender {@code <>}
 * @param recipients accepted forward paths, in RCPT order, without angle brackets
 * @param clientAddress the peer's IP address as text (for logs)
 * @param receivedAt when the transaction ended
 */
public record Envelope(String sender, List<String> recipients, String clientAddress, Instant receivedAt) {

    /**
     * The sender of a double bounce, as qmail marks it: stored in the queue only, never sent
     * (see {@code package-info.java}); a failure of such a message is dropped, not bounced.
     */
    public static final String DOUBLE_BOUNCE_SENDER = "#@[]";

    public Envelope {
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
    }

    /** The reverse path for {@code MAIL FROM} and {@code Return-Path:}: the double-bounce mark is {@code <>}. */
    public String wireSender() {
        return isDoubleBounce() ? "" : sender;
    }

    /** This envelope as the queue file keeps it, and reads it back: arrival in whole milliseconds. */
    public Envelope asStored() {
        return new Envelope(sender, recipients, clientAddress, Instant.ofEpochMilli(receivedAt.toEpochMilli()));
    }

    /** True for a bounce of a bounce (sender {@link #DOUBLE_BOUNCE_SENDER}). */
    public boolean isDoubleBounce() {
        return DOUBLE_BOUNCE_SENDER.equals(sender);
    }
}
