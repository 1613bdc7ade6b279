package org.dirmail.mta.queue;

/**
 * A committed message read back from the queue: its id, envelope and bytes.
 *
 * @param id       the queue id
 * @param envelope the envelope as written at enqueue time
 * @param message  the message bytes (CRLF line ends, as received)
 */
public record QueuedMessage(String id, Envelope envelope, byte[] message) {
}
