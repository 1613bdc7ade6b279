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

    public Envelope {
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
    }
}
