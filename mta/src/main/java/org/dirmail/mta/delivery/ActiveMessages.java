package org.dirmail.mta.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which queued messages may be in delivery now. An attempt reads its message into memory, so both
 * the number of messages and their total size are bounded; the others wait, in arrival order, as
 * ids. Postfix's qmgr bounds its active queue the same way (qmgr_message_active_limit). A message
 * larger than the whole byte budget still goes, alone. Thread-safe.
 */
final class ActiveMessages {

    /** What {@link #admit} decided. */
    enum Admission { NOW, LATER, CLOSED }

    private final int maxMessages;
    private final long maxBytes;
    /** The size of every active or waiting message, by id. */
    private final Map<String, Long> sizes = new HashMap<>();
    private final Deque<String> waiting = new ArrayDeque<>();
    private int active;
    private long activeBytes;
    private boolean closed;

    ActiveMessages(int maxMessages, long maxBytes) {
        if (maxMessages <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Starts {@code id} ({@code size} bytes) now if it fits, else queues it behind the others. */
    synchronized Admission admit(String id, long size) {
        if (closed) {
            return Admission.CLOSED;
        }
        sizes.put(id, size);
        if (waiting.isEmpty() && fits(size)) {
            start(id);
            return Admission.NOW;
        }
        waiting.add(id);
        return Admission.LATER;
    }

    /** Ends {@code id}'s turn; returns the waiting ids that start now, in arrival order. */
    synchronized List<String> release(String id) {
        Long size = sizes.remove(id);
        active--;
        activeBytes -= size == null ? 0 : size;
        List<String> started = new ArrayList<>();
        while (!closed && !waiting.isEmpty() && fits(sizes.get(waiting.peek()))) {
            String next = waiting.poll();
            start(next);
            started.add(next);
        }
        notifyAll();
        return started;
    }

    /** Admits nothing more; returns the ids that were waiting (they stay queued on disk). */
    synchronized List<String> close() {
        closed = true;
        List<String> dropped = new ArrayList<>(waiting);
        dropped.forEach(sizes::remove);
        waiting.clear();
        return dropped;
    }

    /** Waits until no message is in delivery or {@code millis} have passed. */
    synchronized void awaitIdle(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (long left = millis; active > 0 && left > 0; left = deadline - System.currentTimeMillis()) {
            wait(left);
        }
    }

    private boolean fits(long size) {
        return active == 0 || (active < maxMessages && activeBytes + size <= maxBytes);
    }

    private void start(String id) {
        active++;
        activeBytes += sizes.get(id);
    }
}
