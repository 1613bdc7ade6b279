package org.dirmail.schema;

/**
 * qmail-ldap's attribute and object class names, exactly as {@code qmail.schema} spells them, so
 * an existing qmail-ldap directory works unchanged. LDAP names are case-insensitive; these are
 * the canonical spellings.
 */
public final class QmailAttributes {

    // Object classes.
    public static final String QMAIL_USER = "qmailUser";
    public static final String QMAIL_GROUP = "qmailGroup";

    // Standard attributes qmail-ldap relies on.
    public static final String MAIL = "mail";
    public static final String UID = "uid";
    public static final String USER_PASSWORD = "userPassword";
    public static final String HOME_DIRECTORY = "homeDirectory";
    public static final String OBJECT_CLASS = "objectClass";

    // qmailUser.
    public static final String MAIL_ALTERNATE_ADDRESS = "mailAlternateAddress";
    public static final String QMAIL_UID = "qmailUID";
    public static final String QMAIL_GID = "qmailGID";
    public static final String MAIL_MESSAGE_STORE = "mailMessageStore";
    public static final String MAIL_HOST = "mailHost";
    public static final String MAIL_FORWARDING_ADDRESS = "mailForwardingAddress";
    public static final String DELIVERY_PROGRAM_PATH = "deliveryProgramPath";
    public static final String QMAIL_DOT_MODE = "qmailDotMode";
    public static final String DELIVERY_MODE = "deliveryMode";
    public static final String MAIL_REPLY_TEXT = "mailReplyText";
    public static final String ACCOUNT_STATUS = "accountStatus";
    public static final String QMAIL_ACCOUNT_PURGE = "qmailAccountPurge";
    public static final String MAIL_QUOTA_SIZE = "mailQuotaSize";
    public static final String MAIL_QUOTA_COUNT = "mailQuotaCount";
    public static final String MAIL_SIZE_MAX = "mailSizeMax";

    // qmailGroup.
    public static final String DN_MEMBER = "dnmember";
    public static final String RFC822_MEMBER = "rfc822member";
    public static final String FILTER_MEMBER = "filtermember";
    public static final String SENDER_CONFIRM = "senderconfirm";
    public static final String MEMBERS_ONLY = "membersonly";
    public static final String CONFIRM_TEXT = "confirmtext";
    public static final String DN_MODERATOR = "dnmoderator";
    public static final String RFC822_MODERATOR = "rfc822moderator";
    public static final String MODERATOR_TEXT = "moderatortext";
    public static final String DN_SENDER = "dnsender";
    public static final String RFC822_SENDER = "rfc822sender";
    public static final String FILTER_SENDER = "filtersender";
    public static final String BOUNCE_ADMIN = "bounceadmin";

    /** The local part qmail-ldap uses for a domain's catch-all ({@code catchall@domain}). */
    public static final String CATCH_ALL_LOCAL_PART = "catchall";

    private QmailAttributes() {
    }
}
