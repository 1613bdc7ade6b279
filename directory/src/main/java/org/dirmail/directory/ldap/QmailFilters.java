package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.Filter;
import org.dirmail.schema.QmailAttributes;

/**
 * The only place dirmail builds LDAP filters (qmail-ldap.md §2.2). Every value is untrusted and
 * goes into an equality component as its assertion value, never into filter text, so {@code *},
 * parentheses, backslashes and NUL match literally (RFC 4515 escaping happens on encoding).
 */
public final class QmailFilters {

    private QmailFilters() {
    }

    /**
     * {@code (&(objectClass=<oc>)(|(mail=<address>)(mailAlternateAddress=<address>)))}, or
     * without the objectClass term when {@code objectClass} is empty.
     */
    public static Filter recipient(String address, String objectClass) {
        Filter byAddress = Filter.createORFilter(
                Filter.createEqualityFilter(QmailAttributes.MAIL, address),
                Filter.createEqualityFilter(QmailAttributes.MAIL_ALTERNATE_ADDRESS, address));
        return restrictTo(objectClass, byAddress);
    }

    /** {@code (&(objectClass=<oc>)(uid=<uid>))}, or {@code (uid=<uid>)} when {@code objectClass} is empty. */
    public static Filter login(String uid, String objectClass) {
        return restrictTo(objectClass, Filter.createEqualityFilter(QmailAttributes.UID, uid));
    }

    // qmail-ldap's ldapobjectclass: wraps every filter, and an empty value means no restriction.
    private static Filter restrictTo(String objectClass, Filter filter) {
        if (objectClass.isEmpty()) {
            return filter;
        }
        return Filter.createANDFilter(
                Filter.createEqualityFilter(QmailAttributes.OBJECT_CLASS, objectClass), filter);
    }
}
