package org.dirmail.mta.config;

import org.dirmail.mta.delivery.ProgramPolicy;

/**
 * Local delivery.
 *
 * @param localConcurrency   Maildir deliveries in parallel
 * @param localRetryConstant qmail's retry constant C (attempts near (k·C)² s after arrival)
 * @param remoteRetryConstant the same for remote destinations
 * @param programs           whether delivery programs may run, and for how long
 */
public record DeliveryConfig(int localConcurrency, int localRetryConstant, int remoteRetryConstant,
        ProgramPolicy programs) {
}
