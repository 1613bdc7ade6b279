package org.dirmail.mta.smtp;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.queue.MessageQueue;

/**
 * What the SMTP listeners ask and share: one instance serves every listener, so the throttle and
 * the connection limits count across all of them. Every service may be called from any thread.
 *
 * @param resolver      answers RCPT lookups; may complete on any thread
 * @param groups        answers whether the sender may post to a group found at RCPT; may complete on any thread
 * @param queue         stores accepted messages; may complete on any thread
 * @param authenticator checks AUTH credentials; may complete on any thread, never exceptionally
 * @param throttle      counts failed logins per client address and login
 * @param tls           a new server-mode engine per connection; empty means no STARTTLS and no
 *                      submission or SMTPS listener
 * @param connections   the simultaneous-connection limits
 * @param mailboxes     asks whether a found recipient's mailbox has room (quota); may complete
 *                      on any thread
 * @param metrics       told of connections, replies, accepted messages, TLS handshakes
 */
public record SmtpServices(
        RecipientResolver resolver,
        MailGroups groups,
        MessageQueue queue,
        Authenticator authenticator,
        AuthThrottle throttle,
        Optional<Supplier<SSLEngine>> tls,
        ConnectionLimiter connections,
        MailboxCheck mailboxes,
        DirmailMetrics metrics) {

    public SmtpServices {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(mailboxes, "mailboxes");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Services that record no metrics. */
    public SmtpServices(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Authenticator authenticator,
            AuthThrottle throttle, Optional<Supplier<SSLEngine>> tls, ConnectionLimiter connections,
            MailboxCheck mailboxes) {
        this(resolver, groups, queue, authenticator, throttle, tls, connections, mailboxes, DirmailMetrics.disabled());
    }

    /** Services without a mailbox check: every mailbox has room. */
    public SmtpServices(RecipientResolver resolver, MailGroups groups, MessageQueue queue, Authenticator authenticator,
            AuthThrottle throttle, Optional<Supplier<SSLEngine>> tls, ConnectionLimiter connections) {
        this(resolver, groups, queue, authenticator, throttle, tls, connections, MailboxCheck.ALWAYS_ROOM);
    }
}
