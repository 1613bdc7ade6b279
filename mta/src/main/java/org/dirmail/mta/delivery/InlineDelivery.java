package org.dirmail.mta.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dirmail.directory.Lookup;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.queue.RcptAnswers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a message to its local recipients before the SMTP server answers its DATA, as an LMTP
 * server does, when a local delivery worker is free: each Maildir file, fsynced with its
 * directory, is then the durable copy, and the message never needs a queue file. It does so only
 * on the directory's answers at RCPT while they are under a second old, and only when they plan
 * quick deliveries (no program, no other cluster node: {@link Router#quickToDeliver}), so a client
 * never waits minutes for its 250. Everything else (a recipient elsewhere, a large message, a busy
 * moment) goes through the {@link FileQueue} as before; so does what is not delivered at once (a
 * deferral, a failure), with the recipients already delivered recorded as finished, and the
 * reply waits for that commit. Either way the 250 comes only after every recipient is in a
 * mailbox or in the queue, on disk.
 *
 * <p>A crash or a dropped connection between a delivery and the 250 makes the client send again:
 * a duplicate, never a loss, as with a queue write whose 250 is lost.
 */
public final class InlineDelivery implements MessageQueue {

    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);
    /** Larger messages go through the queue: a copy of each is held on the heap while it is delivered. */
    static final int MAX_BYTES = 1024 * 1024;
    /** More recipients go through the queue, where they are delivered in parallel. */
    static final int MAX_RECIPIENTS = 10;
    /**
     * How old the directory's answer at RCPT may be for the delivery to use it instead of asking
     * again: an edit reaches a message in flight within this bound (the limit for any cache).
     */
    static final long RCPT_ANSWER_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final FileQueue queue;
    private final DeliveryScheduler scheduler;

    public InlineDelivery(FileQueue queue, DeliveryScheduler scheduler) {
        this.queue = queue;
        this.scheduler = scheduler;
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message) {
        return enqueue(envelope, message, id -> { });
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named) {
        return enqueue(envelope, message, named, RcptAnswers.NONE);
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named,
            RcptAnswers answers) {
        if (!eligible(envelope, message, answers)) {
            return queue.enqueue(envelope, message, named);
        }
        String id = queue.newId();
        // As a queue file would keep it, so delays and bounces agree whichever way it goes.
        Envelope stored = envelope.asStored();
        QueuedMessage copy;
        try {
            copy = new QueuedMessage(id, stored, ByteBufUtil.getBytes(message));
        } finally {
            message.release();
        }
        CompletableFuture<String> replied = new CompletableFuture<>();
        if (!scheduler.runLocalIfIdle(() -> deliver(copy, answers, named, replied))) {
            named.accept(id);
            return queue.enqueue(id, stored, Unpooled.wrappedBuffer(copy.message()), new BitSet());
        }
        return replied;
    }

    private boolean eligible(Envelope envelope, ByteBuf message, RcptAnswers answers) {
        if (message.readableBytes() > MAX_BYTES || envelope.recipients().size() > MAX_RECIPIENTS) {
            return false;
        }
        Router router = scheduler.router();
        long now = System.nanoTime();
        for (String rcpt : envelope.recipients()) {
            Optional<Lookup> answer = answers.fresh(rcpt, now, RCPT_ANSWER_MAX_AGE_NANOS);
            if (!router.isLocal(rcpt) || answer.isEmpty() || !router.quickToDeliver(answer.get())) {
                return false;
            }
        }
        return true;
    }

    /** On a delivery worker: every recipient in turn, then the reply, or the queue for the rest. */
    private void deliver(QueuedMessage message, RcptAnswers answers, Consumer<String> named,
            CompletableFuture<String> replied) {
        try {
            named.accept(message.id());
            int total = message.envelope().recipients().size();
            List<RemoteDelivery.RecipientAttempt> delivered = new ArrayList<>(total);
            BitSet done = new BitSet();
            for (int i = 0; i < total; i++) {
                String rcpt = message.envelope().recipients().get(i);
                DeliveryOutcome outcome = scheduler.deliverLocal(message, i,
                        answers.fresh(rcpt, System.nanoTime(), RCPT_ANSWER_MAX_AGE_NANOS));
                if (outcome instanceof DeliveryOutcome.Delivered) {
                    delivered.add(new RemoteDelivery.RecipientAttempt(i, "local", outcome));
                    done.set(i);
                } else {
                    log.debug("{}: recipient {} not delivered before the reply ({}): queued",
                            message.id(), i, outcome.detail());
                }
            }
            if (done.cardinality() == total) {
                FileQueue.logActive(message.id(), message.envelope(), message.message().length);
                delivered.forEach(attempt -> scheduler.logDelivered(message, attempt));
                log.info("{}: removed", message.id());
                replied.complete(message.id());
                return;
            }
            // The queue's attempt takes the others (and logs them); the delivered ones are logged once committed.
            queue.enqueue(message.id(), message.envelope(), Unpooled.wrappedBuffer(message.message()), done)
                    .whenComplete((id, failure) -> {
                        if (failure != null) {
                            replied.completeExceptionally(failure);
                            return;
                        }
                        delivered.forEach(attempt -> scheduler.logDelivered(message, attempt));
                        replied.complete(id);
                    });
        } catch (RuntimeException e) {
            replied.completeExceptionally(e);
        }
    }
}
