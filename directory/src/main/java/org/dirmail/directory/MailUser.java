package org.dirmail.directory;

import java.util.List;
import java.util.Optional;

/**
 * One directory entry as the MTA sees it: the qmail-ldap attributes that route mail, already
 * parsed. Values come from the directory and are not trusted: paths in particular must be
 * normalised under the mail root before use (see the delivery package).
 *
 * @param dn                  the entry's DN, for logs and {@code dirmail lookup}
 * @param mail                the primary address ({@code mail}, first value)
 * @param uid                 the login name, when present
 * @param accountStatus       parsed {@code accountStatus}
 * @param mailMessageStore    {@code mailMessageStore} as stored (may be relative)
 * @param homeDirectory       {@code homeDirectory} as stored
 * @param mailHost            {@code mailHost} (cluster node), when present
 * @param forwardingAddresses every {@code mailForwardingAddress}
 * @param deliveryModes       every {@code deliveryMode}, lower-cased
 * @param quotaSize           {@code mailQuotaSize} in bytes, 0 = unlimited
 * @param quotaCount          {@code mailQuotaCount}, 0 = unlimited
 * @param sizeMax             {@code mailSizeMax} in bytes, 0 = unlimited
 * @param group               the group attributes when the entry has objectClass qmailGroup:
 *                            its mail is expanded to the members, never stored in its Maildir
 * @param deliveryPrograms    every {@code deliveryProgramPath}: shell commands, as stored
 * @param dotMode             {@code qmailDotMode} as stored (unchecked); empty means the default
 * @param replyText           {@code mailReplyText} as stored (UTF-8, untrusted), the auto-reply's text
 */
public record MailUser(
        String dn,
        String mail,
        Optional<String> uid,
        AccountStatus accountStatus,
        Optional<String> mailMessageStore,
        Optional<String> homeDirectory,
        Optional<String> mailHost,
        List<String> forwardingAddresses,
        List<String> deliveryModes,
        long quotaSize,
        long quotaCount,
        long sizeMax,
        Optional<MailGroup> group,
        List<String> deliveryPrograms,
        Optional<String> dotMode,
        Optional<String> replyText) {

    public MailUser {
        forwardingAddresses = List.copyOf(forwardingAddresses);
        deliveryModes = List.copyOf(deliveryModes);
        deliveryPrograms = List.copyOf(deliveryPrograms);
    }

    /** An entry without programs, a dot mode or {@code mailReplyText}. */
    public MailUser(String dn, String mail, Optional<String> uid, AccountStatus accountStatus,
            Optional<String> mailMessageStore, Optional<String> homeDirectory, Optional<String> mailHost,
            List<String> forwardingAddresses, List<String> deliveryModes, long quotaSize, long quotaCount,
            long sizeMax, Optional<MailGroup> group) {
        this(dn, mail, uid, accountStatus, mailMessageStore, homeDirectory, mailHost, forwardingAddresses,
                deliveryModes, quotaSize, quotaCount, sizeMax, group, List.of(), Optional.empty(), Optional.empty());
    }

    /** An entry without programs or a dot mode. */
    public MailUser(String dn, String mail, Optional<String> uid, AccountStatus accountStatus,
            Optional<String> mailMessageStore, Optional<String> homeDirectory, Optional<String> mailHost,
            List<String> forwardingAddresses, List<String> deliveryModes, long quotaSize, long quotaCount,
            long sizeMax, Optional<MailGroup> group, Optional<String> replyText) {
        this(dn, mail, uid, accountStatus, mailMessageStore, homeDirectory, mailHost, forwardingAddresses,
                deliveryModes, quotaSize, quotaCount, sizeMax, group, List.of(), Optional.empty(), replyText);
    }

    /** An entry without {@code mailReplyText}. */
    public MailUser(String dn, String mail, Optional<String> uid, AccountStatus accountStatus,
            Optional<String> mailMessageStore, Optional<String> homeDirectory, Optional<String> mailHost,
            List<String> forwardingAddresses, List<String> deliveryModes, long quotaSize, long quotaCount,
            long sizeMax, Optional<MailGroup> group, List<String> deliveryPrograms, Optional<String> dotMode) {
        this(dn, mail, uid, accountStatus, mailMessageStore, homeDirectory, mailHost, forwardingAddresses,
                deliveryModes, quotaSize, quotaCount, sizeMax, group, deliveryPrograms, dotMode, Optional.empty());
    }

    /** An entry that is no group. */
    public MailUser(String dn, String mail, Optional<String> uid, AccountStatus accountStatus,
            Optional<String> mailMessageStore, Optional<String> homeDirectory, Optional<String> mailHost,
            List<String> forwardingAddresses, List<String> deliveryModes, long quotaSize, long quotaCount,
            long sizeMax) {
        this(dn, mail, uid, accountStatus, mailMessageStore, homeDirectory, mailHost, forwardingAddresses,
                deliveryModes, quotaSize, quotaCount, sizeMax, Optional.empty());
    }
}
