package org.dirmail.mta.queue;

/** A message file that cannot be trusted; it is moved aside, never delivered or deleted. */
public final class CorruptQueueFileException extends Exception {

    public CorruptQueueFileException(String id, String problem) {
        super("queue file " + id + " is corrupt: " + problem);
    }
}
