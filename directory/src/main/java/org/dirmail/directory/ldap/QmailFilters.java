package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.dirmail.schema.QmailAttributes;

/**
 * The only place dirmail builds LDAP filters (qmail-ldap.md §2.2). Every value is untrusted and
 * goes into an equality component as its assertion value, never into filter text, so {@code *},
 * parentheses, backslashes and NUL match literally (RFC 4515 escaping happens on encoding).
 * The one exception is a group's {@code filtermember}/{@code filtersender}: filter text written
 * by the directory's admin, parsed (never pasted) by {@link #fromDirectory}.
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

    /**
     * {@code (&(objectClass=qmailGroup)(|(mail=a)(mailAlternateAddress=a)(mail=b)...))}: which of
     * these addresses belong to a group entry (nested groups).
     *
     * @param addresses at least one
     */
    public static Filter groupsByAddress(Collection<String> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no addresses");
        }
        List<Filter> byAddress = new ArrayList<>();
        for (String address : addresses) {
            byAddress.add(Filter.createEqualityFilter(QmailAttributes.MAIL, address));
            byAddress.add(Filter.createEqualityFilter(QmailAttributes.MAIL_ALTERNATE_ADDRESS, address));
        }
        return Filter.createANDFilter(
                Filter.createEqualityFilter(QmailAttributes.OBJECT_CLASS, QmailAttributes.QMAIL_GROUP),
                Filter.createORFilter(byAddress));
    }

    /** {@code (objectClass=*)}: any entry, for reads of one entry by DN (base scope). */
    public static Filter anyEntry() {
        return Filter.createPresenceFilter(QmailAttributes.OBJECT_CLASS);
    }

    /**
     * {@code (&(objectClass=<oc>)(mail=*))}: every entry mail can reach, for a scan of the whole
     * directory ({@code dirmail directory check}); without the objectClass term when it is empty.
     */
    public static Filter mailEntries(String objectClass) {
        return restrictTo(objectClass, Filter.createPresenceFilter(QmailAttributes.MAIL));
    }

    /**
     * A group's {@code filtermember} or {@code filtersender} value. It is directory data, so it
     * is trusted to be a filter (that is its meaning) but only after it parses as one (RFC 4515);
     * callers bound what it may return.
     *
     * @throws LDAPException when the text is no valid filter
     */
    public static Filter fromDirectory(String text) throws LDAPException {
        return Filter.create(text);
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
