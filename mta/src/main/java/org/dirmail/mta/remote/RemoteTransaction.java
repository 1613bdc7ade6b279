package org.dirmail.mta.remote;

import java.util.List;
import java.util.Objects;

/**
 * One message for the recipients of one domain, as the queue holds it. The addresses come from
 * the network and are checked again before they are sent.
 *
 * @param domain     the recipients' domain (also {@code [192.0.2.1]} address literals)
 * @param sender     the envelope sender without angle brackets; empty for a bounce ({@code <>})
 * @param recipients the envelope recipients, all in {@code domain}; not empty
 * @param message    the message, CRLF line ends, as queued; not copied and never modified
 * @param queueId    the queue id, for the log
 */
public record RemoteTransaction(String domain, String sender, List<String> recipients, byte[] message, String queueId) {

    public RemoteTransaction {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(queueId, "queueId");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
    }
}
