package org.dirmail.mta.delivery;

/**
 * The result of one delivery attempt to one recipient. Only {@link Failed} is permanent;
 * everything the directory or the disk could not do right now is {@link Deferred}.
 */
public sealed interface DeliveryOutcome permits DeliveryOutcome.Delivered, DeliveryOutcome.Deferred,
        DeliveryOutcome.Failed {

    /** A short text for the log line's parenthesis. */
    String detail();

    /** Durable at the destination; the recipient is finished. */
    record Delivered(String detail) implements DeliveryOutcome {
    }

    /** Try again later. */
    record Deferred(String status, String detail) implements DeliveryOutcome {
    }

    /** Give up: the sender gets a bounce (RFC 3464). */
    record Failed(String status, String detail) implements DeliveryOutcome {
    }
}
