package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;

/** A queue that keeps what it was given (envelope and bytes) and releases the buffer, or fails. */
final class CapturingQueue implements MessageQueue {

    record Stored(Envelope envelope, String message) {
    }

    private final List<Stored> stored = new CopyOnWriteArrayList<>();
    private final boolean failing;

    private CapturingQueue(boolean failing) {
        this.failing = failing;
    }

    static CapturingQueue working() {
        return new CapturingQueue(false);
    }

    static CapturingQueue failing() {
        return new CapturingQueue(true);
    }

    List<Stored> stored() {
        return stored;
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message) {
        try {
            if (failing) {
                return CompletableFuture.failedFuture(new IOException("disk full"));
            }
            stored.add(new Stored(envelope, message.toString(StandardCharsets.ISO_8859_1)));
            return CompletableFuture.completedFuture("4A2B" + stored.size());
        } finally {
            message.release();
        }
    }
}
