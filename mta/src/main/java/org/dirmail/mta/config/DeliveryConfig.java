package org.dirmail.mta.config;

/**
 * Local delivery.
 *
 * @param localConcurrency   Maildir deliveries in parallel
 * @param localRetryConstant qmail's retry constant C (attempts near (k·C)² s after arrival)
 * @param remoteRetryConstant the same for remote destinations
 */
public record DeliveryConfig(int localConcurrency, int localRetryConstant, int remoteRetryConstant) {
}
