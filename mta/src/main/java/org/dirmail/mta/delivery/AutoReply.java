package org.dirmail.mta.delivery;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;

/**
 * {@code deliveryMode: reply}: answers the envelope sender with the entry's {@code mailReplyText}
 * (qmail-reply, qmail-ldap.md §8.2), at most once per (recipient, sender) per interval
 * ({@link AutoReplyMemory}), and never where RFC 3834 2 and qmail-reply say to stay quiet: the
 * null sender, daemon and list addresses, {@code Auto-Submitted} other than {@code no},
 * {@code Precedence: bulk/list/junk}, list headers, spam marks and delivery reports. The reply goes
 * to the sender from {@code <>} and is queued durably before the recipient's delivery counts.
 * The message and the directory text are untrusted; thread-safe.
 */
public final class AutoReply {

    /** qmail-reply's junk list: local parts, or their {@code -suffix}, that are never answered. */
    private static final Set<String> JUNK_LOCAL = Set.of("mailer-daemon", "mailer", "daemon", "postmaster", "root",
            "uucp", "nobody", "noreply", "no-reply");
    private static final List<String> JUNK_SUFFIX = List.of("-request", "-daemon", "-relay", "-bounces", "-owner");

    private final MessageQueue queue;
    private final AutoReplyMemory memory;
    private final String hostname;
    private final Clock clock;
    private final long timeoutMillis;

    private AutoReply(MessageQueue queue, AutoReplyMemory memory, String hostname, Clock clock, long timeoutMillis) {
        this.queue = queue;
        this.memory = memory;
        this.hostname = hostname;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * An auto-responder remembering its replies in {@code memoryDir}.
     *
     * @param interval      at most one reply per (recipient, sender) in this time
     * @param timeoutMillis how long to wait for the queue to make a reply durable
     */
    public static AutoReply open(MessageQueue queue, Path memoryDir, Duration interval, String hostname, Clock clock,
            long timeoutMillis) throws IOException {
        return new AutoReply(queue, AutoReplyMemory.open(memoryDir, interval, clock), hostname, clock, timeoutMillis);
    }

    /**
     * Answers {@code message}'s sender for {@code rcpt} unless a rule says not to; returns what
     * was done, for the log line.
     *
     * @throws Exception when the reply could not be made durable (the caller defers and retries)
     */
    // Synchronized: two copies for one recipient and sender must not both find the memory empty.
    synchronized String answer(QueuedMessage message, String rcpt, String replyText) throws Exception {
        String sender = message.envelope().sender();
        Optional<String> skip = skipReason(sender, rcpt, message.message());
        if (skip.isPresent()) {
            return "no autoreply: " + skip.get();
        }
        if (memory.answeredRecently(rcpt, sender, replyText)) {
            return "no autoreply: " + sender + " was answered within autoreply_interval";
        }
        String ownId = "<" + clock.millis() + "." + UUID.randomUUID().toString().replace("-", "") + ".autoreply@"
                + hostname + ">";
        byte[] reply = AutoReplyMessage.compose(rcpt, sender, replyText, field(message.message(), "Subject"),
                field(message.message(), "Message-ID"), ownId, ZonedDateTime.now(clock));
        // RFC 3834 3.1.1 and qmail-reply: from <> to the envelope sender, so nothing answers back.
        Envelope envelope = new Envelope("", List.of(sender), "127.0.0.1", clock.instant());
        String id = queue.enqueue(envelope, Unpooled.wrappedBuffer(reply)).toCompletableFuture()
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
        // Only a reply that was queued counts (qmail-reply 20041201): a failure above answers again later.
        memory.remember(rcpt, sender, replyText);
        return "autoreply to " + sender + " as " + id;
    }

    /** Why {@code sender}'s message to {@code rcpt} gets no reply, or empty when it may get one. */
    static Optional<String> skipReason(String sender, String rcpt, byte[] message) {
        if (sender.isEmpty()) {
            return Optional.of("null sender"); // RFC 3834 2: never answer <>
        }
        if (!Forwarder.valid(sender)) {
            return Optional.of("sender address not usable");
        }
        if (sender.equalsIgnoreCase(rcpt)) {
            return Optional.of("sender is the recipient");
        }
        String local = sender.substring(0, sender.lastIndexOf('@')).toLowerCase(Locale.ROOT);
        if (JUNK_LOCAL.contains(local) || local.startsWith("owner-") || JUNK_SUFFIX.stream().anyMatch(local::endsWith)
                || JUNK_LOCAL.stream().anyMatch(j -> local.endsWith("-" + j))) {
            return Optional.of("sender " + sender + " is a daemon or list address");
        }
        if (HeaderScan.hasField(message, "Auto-Submitted", v -> !firstToken(v).equals("no"))) {
            return Optional.of("Auto-Submitted message"); // RFC 3834 2
        }
        if (HeaderScan.hasField(message, "Precedence", v -> Set.of("bulk", "list", "junk").contains(firstToken(v)))) {
            return Optional.of("Precedence bulk, list or junk");
        }
        for (String list : List.of("List-Id", "List-Post", "Mailing-List", "X-RBL")) {
            if (HeaderScan.hasField(message, list, v -> true)) {
                return Optional.of(list + " header");
            }
        }
        if (HeaderScan.hasField(message, "X-Spam-Status", v -> firstToken(v).startsWith("yes"))) {
            return Optional.of("marked as spam");
        }
        if (HeaderScan.hasField(message, "Content-Type", v -> firstToken(v).startsWith("multipart/report"))) {
            return Optional.of("delivery or disposition report");
        }
        return Optional.empty();
    }

    /** A one-line view of a reply text for {@code dirmail lookup}. */
    static String preview(String replyText) {
        return AutoReplyMessage.preview(replyText);
    }

    /** The lower-cased value up to the first {@code ;}, comma or space. */
    private static String firstToken(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < v.length() && ";, \t(".indexOf(v.charAt(end)) < 0) {
            end++;
        }
        return v.substring(0, end);
    }

    /** The first line of the first field {@code name}, or null. */
    private static String field(byte[] message, String name) {
        String[] found = new String[1];
        HeaderScan.hasField(message, name, v -> {
            found[0] = v;
            return true;
        });
        return found[0];
    }
}
