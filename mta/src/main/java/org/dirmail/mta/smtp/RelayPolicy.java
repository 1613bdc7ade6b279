package org.dirmail.mta.smtp;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may send where, for one connection: a recipient in a local domain is the directory's to
 * judge; any other is accepted only from an authenticated client or a relay network, else the
 * server would be an open relay. And an authenticated client may only use its own addresses as
 * the sender. Trusts {@link MailPath}'s parse: ASCII only, a syntactically valid domain or
 * address literal, the source route already dropped, so the final domain alone decides.
 *
 * <p>The classic relay tricks all end in a local domain or in a refusal: {@code a%b@local},
 * {@code b!a@local} and {@code "a@remote"@local} are local parts of a local domain (the directory
 * answers, normally "unknown user"); {@code @local:a@remote} is judged by {@code remote};
 * {@code x@[192.0.2.1]} is local only when that literal is configured as a local domain;
 * {@code x@local.} never parses (an empty label).
 */
final class RelayPolicy {

    /** What RCPT does with a recipient. */
    enum Decision {
        /** Ours: ask the directory. */
        LOCAL,
        /** Not ours, and this client may relay: queue it for remote delivery. */
        RELAY,
        /** Not ours, and this client may not relay: 554 5.7.1. */
        DENY
    }

    private final SmtpSettings settings;
    private final boolean relayNetwork;

    /** @param client the peer's address from the socket; null when unknown (never in a relay network) */
    RelayPolicy(SmtpSettings settings, InetAddress client) {
        this.settings = settings;
        this.relayNetwork = client != null && settings.relayNetworks().stream().anyMatch(n -> n.contains(client));
    }

    Decision recipient(MailPath recipient, boolean authenticated) {
        if (settings.isLocalDomain(recipient.domain())) {
            return Decision.LOCAL;
        }
        return authenticated || relayNetwork ? Decision.RELAY : Decision.DENY;
    }

    /**
     * May a client logged in with {@code addresses} (from the directory, lower-cased) send as
     * {@code sender}? The null sender is always allowed: bounces and receipts use it. Addresses
     * compare case-insensitively, the local part included, as the directory compares them.
     */
    boolean mayUseSender(List<String> addresses, MailPath sender) {
        if (!settings.strictSenderLogin() || sender.isNull()) {
            return true;
        }
        String address = sender.address();
        return addresses.stream().anyMatch(address::equalsIgnoreCase);
    }
}
