package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.ldap.MailUserMapper.InvalidEntryException;
import org.dirmail.schema.QmailAttributes;

/**
 * Reads the qmailGroup attributes of an entry (qmail-ldap.md §1.3) into a {@link MailGroup}.
 * Trusts nothing: the booleans must be one of qmail-ldap's spellings, else the entry is rejected
 * (qmail-group's BADVAL), so a typo in {@code membersonly} can never open a closed list.
 */
final class MailGroupMapper {

    /** The attributes {@link #map} reads, objectClass first. */
    static final List<String> ATTRIBUTES = List.of(
            QmailAttributes.OBJECT_CLASS,
            QmailAttributes.RFC822_MEMBER,
            QmailAttributes.DN_MEMBER,
            QmailAttributes.FILTER_MEMBER,
            QmailAttributes.MEMBERS_ONLY,
            QmailAttributes.RFC822_SENDER,
            QmailAttributes.DN_SENDER,
            QmailAttributes.FILTER_SENDER,
            QmailAttributes.BOUNCE_ADMIN,
            QmailAttributes.SENDER_CONFIRM,
            QmailAttributes.RFC822_MODERATOR,
            QmailAttributes.DN_MODERATOR);

    private MailGroupMapper() {
    }

    /** The group side of {@code entry}; empty when it has no objectClass qmailGroup. */
    static Optional<MailGroup> map(SearchResultEntry entry) throws InvalidEntryException {
        if (!entry.hasObjectClass(QmailAttributes.QMAIL_GROUP)) {
            return Optional.empty();
        }
        List<String> moderators = new ArrayList<>(all(entry, QmailAttributes.RFC822_MODERATOR));
        moderators.addAll(all(entry, QmailAttributes.DN_MODERATOR));
        return Optional.of(new MailGroup(
                entry.getDN(),
                all(entry, QmailAttributes.RFC822_MEMBER),
                all(entry, QmailAttributes.DN_MEMBER),
                all(entry, QmailAttributes.FILTER_MEMBER),
                bool(entry, QmailAttributes.MEMBERS_ONLY),
                all(entry, QmailAttributes.RFC822_SENDER),
                all(entry, QmailAttributes.DN_SENDER),
                all(entry, QmailAttributes.FILTER_SENDER),
                all(entry, QmailAttributes.BOUNCE_ADMIN),
                bool(entry, QmailAttributes.SENDER_CONFIRM),
                moderators));
    }

    private static List<String> all(SearchResultEntry entry, String name) {
        String[] values = entry.getAttributeValues(name);
        return values == null ? List.of() : List.of(values);
    }

    // qmail-group: TRUE, 1, FALSE, 0 in any case; missing is FALSE; anything else is BADVAL.
    private static boolean bool(SearchResultEntry entry, String name) throws InvalidEntryException {
        Attribute attribute = entry.getAttribute(name);
        if (attribute == null || attribute.size() == 0) {
            return false;
        }
        if (attribute.size() > 1) {
            throw new InvalidEntryException(
                    "too many values (" + attribute.size() + ") of single-valued " + name + " in " + entry.getDN());
        }
        switch (attribute.getValue().trim().toUpperCase(Locale.ROOT)) {
            case "TRUE":
            case "1":
                return true;
            case "FALSE":
            case "0":
                return false;
            default:
                throw new InvalidEntryException("illegal value of " + name + " in " + entry.getDN()
                        + ": expected TRUE, FALSE, 1 or 0");
        }
    }
}
