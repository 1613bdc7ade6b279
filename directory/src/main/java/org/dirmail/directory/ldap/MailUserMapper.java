package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.Optional;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.MailUser;
import org.dirmail.schema.QmailAttributes;

/**
 * Turns a search result entry into a {@link MailUser}. Trusts nothing in the entry: attributes
 * qmail-ldap reads single-valued must have at most one value and numbers must parse, otherwise
 * the entry is rejected with a reason naming the attribute and the DN.
 */
public final class MailUserMapper {

    // The group attributes too: whether an entry is a group decides its delivery.
    private static final String[] ATTRIBUTES = Stream.concat(Stream.of(
        QmailAttributes.MAIL,
        QmailAttributes.UID,
        QmailAttributes.ACCOUNT_STATUS,
        QmailAttributes.MAIL_MESSAGE_STORE,
        QmailAttributes.HOME_DIRECTORY,
        QmailAttributes.MAIL_HOST,
        QmailAttributes.MAIL_FORWARDING_ADDRESS,
        QmailAttributes.DELIVERY_MODE,
        QmailAttributes.MAIL_QUOTA_SIZE,
        QmailAttributes.MAIL_QUOTA_COUNT,
        QmailAttributes.MAIL_SIZE_MAX,
        QmailAttributes.DELIVERY_PROGRAM_PATH,
        QmailAttributes.QMAIL_DOT_MODE,
        QmailAttributes.MAIL_REPLY_TEXT), MailGroupMapper.ATTRIBUTES.stream()).toArray(String[]::new);

    /** An entry dirmail cannot use as it stands; the message names the attribute and DN. */
    public static final class InvalidEntryException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEntryException(String message) {
            super(message);
        }
    }

    private MailUserMapper() {
    }

    /** The attributes {@link #map} reads: the only ones a search for a {@link MailUser} needs. */
    public static String[] attributes() {
        return ATTRIBUTES.clone();
    }

    /** Maps one entry; fails on values qmail-ldap would also refuse. */
    public static MailUser map(SearchResultEntry entry) throws InvalidEntryException {
        String dn = entry.getDN();
        // mail is multi-valued in the schema; the first value is the primary address.
        String[] mail = entry.getAttributeValues(QmailAttributes.MAIL);
        if (mail == null || mail.length == 0) {
            throw new InvalidEntryException("no " + QmailAttributes.MAIL + " in " + dn);
        }
        return new MailUser(
                dn,
                mail[0],
                single(entry, QmailAttributes.UID),
                AccountStatus.fromDirectory(single(entry, QmailAttributes.ACCOUNT_STATUS).orElse(null)),
                single(entry, QmailAttributes.MAIL_MESSAGE_STORE),
                single(entry, QmailAttributes.HOME_DIRECTORY),
                single(entry, QmailAttributes.MAIL_HOST),
                all(entry, QmailAttributes.MAIL_FORWARDING_ADDRESS),
                all(entry, QmailAttributes.DELIVERY_MODE).stream()
                        .map(mode -> mode.toLowerCase(Locale.ROOT))
                        .toList(),
                number(entry, QmailAttributes.MAIL_QUOTA_SIZE),
                number(entry, QmailAttributes.MAIL_QUOTA_COUNT),
                number(entry, QmailAttributes.MAIL_SIZE_MAX),
                MailGroupMapper.map(entry),
                // Multi-valued since qmail-ldap 20021101; checked and used by delivery only.
                all(entry, QmailAttributes.DELIVERY_PROGRAM_PATH),
                single(entry, QmailAttributes.QMAIL_DOT_MODE),
                single(entry, QmailAttributes.MAIL_REPLY_TEXT));
    }

    // qmail-ldap reads these single-valued and answers TOOMANY to a second value, which
    // qmail-lspawn bounces permanently (5.3.5, qmail-ldap.md §1). We answer TempFail for now: a
    // data error the admin can fix should not lose mail, and the queue lifetime still ends it.
    private static Optional<String> single(SearchResultEntry entry, String name) throws InvalidEntryException {
        Attribute attribute = entry.getAttribute(name);
        if (attribute == null || attribute.size() == 0) {
            return Optional.empty();
        }
        if (attribute.size() > 1) {
            throw new InvalidEntryException(
                    "too many values (" + attribute.size() + ") of single-valued " + name + " in " + entry.getDN());
        }
        return Optional.of(attribute.getValue());
    }

    private static List<String> all(SearchResultEntry entry, String name) {
        String[] values = entry.getAttributeValues(name);
        return values == null ? List.of() : List.of(values);
    }

    // Quotas and size limits: missing means 0 (unlimited); anything but a non-negative decimal
    // integer is an illegal value, as in qmail-lspawn.
    private static long number(SearchResultEntry entry, String name) throws InvalidEntryException {
        Optional<String> value = single(entry, name);
        if (value.isEmpty()) {
            return 0;
        }
        String text = value.get().trim();
        try {
            long parsed = Long.parseLong(text);
            if (parsed >= 0 && !text.startsWith("+")) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the attribute and DN.
        }
        throw new InvalidEntryException("illegal value of " + name + " in " + entry.getDN() + ": not a non-negative integer");
    }
}
