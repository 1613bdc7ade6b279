package org.dirmail.mta.delivery;

/**
 * How many deliveries may run at once, as qmail-send's {@code concurrencylocal} and
 * {@code concurrencyremote} and Postfix's per-destination limit. Trusts nothing: every limit must
 * be positive.
 *
 * @param local     local deliveries (one recipient each) at once
 * @param remote    SMTP transactions to other servers at once, all destinations together
 * @param perDomain SMTP transactions to one destination domain at once
 */
public record ConcurrencyLimits(int local, int remote, int perDomain) {

    public ConcurrencyLimits {
        if (local <= 0 || remote <= 0 || perDomain <= 0) {
            throw new IllegalArgumentException("concurrency limits must be positive: " + local + "/" + remote
                    + "/" + perDomain);
        }
    }
}
