package org.dirmail.mta.bounce;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns failed recipients to whoever must hear of them, durably, through the queue: a bounce
 * from {@code <>} to the envelope sender; a double bounce (the failed message had the null
 * sender) to the postmaster, marked {@link Envelope#DOUBLE_BOUNCE_SENDER}; nothing for a failed
 * double bounce, which is logged and dropped. So a chain of bounces has at most two links.
 * Trusts its configuration; every value in the report is sanitised by {@link DsnBuilder}.
 * Safe for concurrent use; blocks on the queue.
 */
public final class Bouncer {

    private static final Logger log = LoggerFactory.getLogger(Bouncer.class);

    /** A queue write is local disk: longer than this means trouble, and the failure is retried later. */
    private static final long ENQUEUE_TIMEOUT_SECONDS = 60;

    private final MessageQueue queue;
    private final DsnBuilder builder;
    private final String hostname;
    private final String postmaster;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param hostname   this host's FQDN, for Reporting-MTA, From and Message-ID
     * @param postmaster who receives double bounces (qmail's doublebounceto)
     * @param sizeLimit  largest original returned whole ({@code bounce_size_limit})
     */
    public Bouncer(MessageQueue queue, String hostname, String postmaster, int sizeLimit, Clock clock) {
        this.queue = queue;
        this.builder = new DsnBuilder(hostname, sizeLimit);
        this.hostname = hostname;
        this.postmaster = postmaster;
        this.clock = clock;
    }

    /**
     * Queues one report for {@code failed}, the recipients of {@code message} that failed in one
     * attempt. The caller records them as failed only after this returns: a crash in between
     * can send a report twice, never lose it.
     *
     * @return the report's queue id, or empty when {@code message} was itself a double bounce
     * @throws IOException when the report is not durable (the caller keeps the recipients and retries)
     */
    public Optional<String> bounce(QueuedMessage message, List<FailedRecipient> failed) throws IOException {
        Envelope envelope = message.envelope();
        if (envelope.isDoubleBounce()) {
            // qmail's "triple bounce": reporting it would start a loop; an admin reads the log.
            log.warn("{}: triple bounce: double bounce to <{}> failed, discarded", message.id(),
                    DsnText.printable(envelope.recipients().get(0)));
            return Optional.empty();
        }
        boolean toPostmaster = envelope.sender().isEmpty();
        String to = toPostmaster ? postmaster : envelope.sender();
        Instant now = clock.instant();
        String messageId = "<" + now.toEpochMilli() + "." + message.id() + "." + sequence.incrementAndGet() + "@"
                + hostname + ">";
        byte[] report = builder.build(message, failed, to, toPostmaster, now, messageId);
        Envelope bounce = new Envelope(toPostmaster ? Envelope.DOUBLE_BOUNCE_SENDER : "", List.of(to), "127.0.0.1", now);
        String id = await(queue.enqueue(bounce, Unpooled.wrappedBuffer(report)).toCompletableFuture(), message.id());
        // Postfix's bounce daemon line, which pflogsumm counts.
        log.info("{}: {} non-delivery notification: {}", message.id(), toPostmaster ? "postmaster" : "sender", id);
        return Optional.of(id);
    }

    private static String await(CompletableFuture<String> stage, String id) throws IOException {
        try {
            return stage.get(ENQUEUE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(id + ": cannot queue the bounce: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(id + ": cannot queue the bounce: no answer from the queue", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(id + ": interrupted while queueing the bounce", e);
        }
    }
}
