package org.dirmail.mta.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue ids: 16 upper-case hex digits, the arrival millisecond then a sequence number, so ids
 * sort by arrival and stay unique within one process (the queue lock keeps it to one process).
 */
final class QueueIds {

    private static final AtomicLong LAST = new AtomicLong();

    private QueueIds() {
    }

    /** A fresh id; never repeats within a process, even if the clock steps back. */
    static String next() {
        // 44 bits of milliseconds (until the year 2527) and 20 bits of sequence.
        long candidate = System.currentTimeMillis() << 20;
        long id = LAST.updateAndGet(last -> Math.max(last + 1, candidate));
        return String.format("%016X", id);
    }

    /** True for 16 upper-case hex digits: the only names a queue id may take (no path tricks). */
    static boolean isWellFormed(String id) {
        return id != null && id.matches("[0-9A-F]{16}");
    }
}
