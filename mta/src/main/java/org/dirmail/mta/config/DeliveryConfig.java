package org.dirmail.mta.config;

import java.time.Duration;

/**
 * Local delivery.
 *
 * @param localConcurrency   Maildir deliveries in parallel
 * @param localRetryConstant qmail's retry constant C (attempts near (k·C)² s after arrival)
 * @param remoteRetryConstant the same for remote destinations
 * @param autoreplyInterval  at most one auto-reply per (recipient, sender) in this time
 */
public record DeliveryConfig(int localConcurrency, int localRetryConstant, int remoteRetryConstant,
        Duration autoreplyInterval) {
}
