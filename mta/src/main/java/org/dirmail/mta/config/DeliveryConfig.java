package org.dirmail.mta.config;

import java.time.Duration;
import org.dirmail.mta.delivery.ConcurrencyLimits;
import org.dirmail.mta.delivery.ProgramPolicy;

/**
 * Delivery concurrency, retries, bounces and auto-replies.
 *
 * @param concurrency        local deliveries, remote transactions and transactions per domain at once
 * @param localRetryConstant qmail's retry constant C (attempts near (k·C)² s after arrival)
 * @param remoteRetryConstant the same for remote destinations
 * @param queueLifetime      how long a message may stay deferred before it bounces
 * @param bounceSizeLimit    largest original returned whole in a bounce, in bytes
 * @param postmasterAddress  who receives double bounces
 * @param programs           whether delivery programs may run, and for how long
 * @param autoreplyInterval  at most one auto-reply per (recipient, sender) in this time
 * @param inline             whether SMTP messages for local recipients are delivered before the reply
 */
public record DeliveryConfig(ConcurrencyLimits concurrency, int localRetryConstant, int remoteRetryConstant,
        Duration queueLifetime, int bounceSizeLimit, String postmasterAddress, ProgramPolicy programs,
        Duration autoreplyInterval, boolean inline) {
}
