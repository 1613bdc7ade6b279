package org.dirmail.mta.queue;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Accepts messages for delivery. This is the line behind which a message is durable: the stage
 * completes normally only after the message and its envelope are forced to disk and the queue
 * directory is forced too. Only then may the SMTP server reply 250.
 */
public interface MessageQueue {

    /**
     * Stores a message durably.
     *
     * @param envelope the envelope
     * @param message  the message bytes exactly as they will be delivered (CRLF line ends, already
     *                 dot-unstuffed, including our {@code Received:} line); ownership passes to the
     *                 queue, which releases it
     * @return the queue id once durable; completes exceptionally when the message could not be
     *         stored (disk full, I/O error, shutting down), which the caller must answer with a 4xx
     */
    CompletionStage<String> enqueue(Envelope envelope, ByteBuf message);

    /**
     * As {@link #enqueue(Envelope, ByteBuf)}, and tells {@code named} the id as early as the queue
     * knows it, so the caller's log line for the id comes before the queue's own (Postfix logs
     * smtpd's {@code client=} before qmgr's {@code from=}, and pflogsumm relies on that order).
     * The id names no durable message until the returned stage completes normally.
     */
    default CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named) {
        return enqueue(envelope, message).thenApply(id -> {
            named.accept(id);
            return id;
        });
    }

    /**
     * As {@link #enqueue(Envelope, ByteBuf, Consumer)}, with the directory's answers the SMTP session
     * got at RCPT, which a delivery made before the reply may use while they are young. A queue
     * ignores them.
     */
    default CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named,
            RcptAnswers answers) {
        return enqueue(envelope, message, named);
    }
}
