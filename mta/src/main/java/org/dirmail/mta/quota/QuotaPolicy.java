package org.dirmail.mta.quota;

import org.dirmail.directory.MailUser;

/**
 * How quotas apply, from {@code dirmail.conf}: the limits for entries without their own, what
 * delivery does with a message that does not fit, and when the user is warned. The entry's
 * values come from the directory and are only read as non-negative numbers.
 *
 * @param defaultLimits  used for {@code mailQuotaSize} / {@code mailQuotaCount} when the entry has
 *                       none or 0 (qmail-ldap's {@code defaultquotasize} / {@code defaultquotacount})
 * @param bounceOverQuota true: a message that does not fit fails permanently (5.2.2, as
 *                       qmail-local); false: it is deferred (4.2.2) until it fits or expires
 * @param warningPercent the usage percentage at which the user is warned once; 0 = never
 */
public record QuotaPolicy(QuotaLimits defaultLimits, boolean bounceOverQuota, int warningPercent) {

    /** No default quota, bounce, warn at 80 %: the shipped defaults. */
    public static final QuotaPolicy DEFAULT = new QuotaPolicy(QuotaLimits.UNLIMITED, true, 80);

    public QuotaPolicy {
        if (warningPercent < 0 || warningPercent > 100) {
            throw new IllegalArgumentException("warningPercent must be 0..100: " + warningPercent);
        }
    }

    /** The limits that apply to {@code user}: each of its own when non-zero, else the default. */
    public QuotaLimits limitsFor(MailUser user) {
        return new QuotaLimits(user.quotaSize() > 0 ? user.quotaSize() : defaultLimits.bytes(),
                user.quotaCount() > 0 ? user.quotaCount() : defaultLimits.count());
    }

    /** True when a usage at {@code percent} deserves the warning. */
    public boolean warns(int percent) {
        return warningPercent > 0 && percent >= warningPercent;
    }
}
