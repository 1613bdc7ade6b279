package org.dirmail.mta.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;

/**
 * Re-queues a copy of a message for an entry's {@code mailForwardingAddress} values, with the
 * original envelope sender and our {@code Delivered-To:} line on top, so a forwarding loop meets
 * its own line and stops (qmail-local's rule); a copy for several addresses also gets
 * {@code Precedence: bulk}. The copy is durable before this returns.
 */
final class Forwarder {

    /** Directory values are untrusted: a plain {@code local@domain}, no spaces, brackets or controls. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\]\\\\,;:\"@\\x00-\\x1f\\x7f]+"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final MessageQueue queue;
    private final long timeoutMillis;

    Forwarder(MessageQueue queue, long timeoutMillis) {
        this.queue = queue;
        this.timeoutMillis = timeoutMillis;
    }

    /** True when every value is an address we may put into an envelope. */
    static boolean allValid(List<String> addresses) {
        return addresses.stream().allMatch(Forwarder::valid);
    }

    /** True when {@code address} (from the directory) may go into an envelope. */
    static boolean valid(String address) {
        return address.length() <= 254 && ADDRESS.matcher(address).matches();
    }

    /**
     * Queues the copy; returns its queue id.
     *
     * @throws Exception when the copy is not durable (the caller defers and retries)
     */
    String forward(String sender, String recipient, List<String> targets, byte[] message) throws Exception {
        String deliveredTo = "Delivered-To: " + recipient;
        // qmail-ldap marks a copy sent to several addresses as bulk (autoresponders stay quiet),
        // unless the message already says what it is.
        if (targets.size() > 1 && !HeaderScan.hasField(message, "Precedence", value -> true)) {
            return requeue(sender, targets, message, deliveredTo, "Precedence: bulk");
        }
        return requeue(sender, targets, message, deliveredTo);
    }

    /**
     * Queues a copy with {@code headers} (our own lines, never directory text) on top; returns its
     * queue id.
     *
     * @throws Exception when the copy is not durable (the caller defers and retries)
     */
    String requeue(String sender, List<String> targets, byte[] message, String... headers) throws Exception {
        byte[] lines = (String.join("\r\n", headers) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf copy = Unpooled.wrappedBuffer(lines, message);
        Envelope envelope = new Envelope(sender, targets, "127.0.0.1", Instant.now());
        return queue.enqueue(envelope, copy).toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
