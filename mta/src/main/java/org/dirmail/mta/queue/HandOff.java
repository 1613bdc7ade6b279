package org.dirmail.mta.queue;

import java.util.HashMap;
import java.util.Map;

/**
 * Messages just committed, kept in memory until their first read so the first delivery attempt
 * does not read back the file it was written from. Bounded by total message bytes: a message that
 * does not fit is simply not kept and is read from disk. Holds only copies of what is durable on
 * disk; losing it (a restart) loses nothing. Thread-safe.
 */
final class HandOff {

    private final long maxBytes;
    private final Map<String, QueuedMessage> messages = new HashMap<>();
    private long bytes;

    HandOff(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Whether a message of {@code size} bytes would fit now (a hint: {@link #offer} decides). */
    synchronized boolean hasRoomFor(long size) {
        return bytes + size <= maxBytes;
    }

    /** Keeps {@code message} until it is taken; false (and not kept) when it does not fit. */
    synchronized boolean offer(QueuedMessage message) {
        long size = message.message().length;
        if (bytes + size > maxBytes || messages.containsKey(message.id())) {
            return false;
        }
        messages.put(message.id(), message);
        bytes += size;
        return true;
    }

    /** Removes and returns the message kept for {@code id}, or null. */
    synchronized QueuedMessage take(String id) {
        QueuedMessage message = messages.remove(id);
        if (message != null) {
            bytes -= message.message().length;
        }
        return message;
    }

    /** Message bytes held now. */
    synchronized long bytes() {
        return bytes;
    }
}
