package org.dirmail.directory;

import java.util.Locale;

/**
 * qmail-ldap's {@code accountStatus}: what an entry may do. A missing or unknown value counts as
 * {@link #ACTIVE}, exactly as qmail-ldap does (qmail-ldap.md §3.2).
 */
public enum AccountStatus {
    /** Receives mail and may log in. */
    ACTIVE,
    /** Receives mail but may not log in (AUTH, POP3). */
    NOACCESS,
    /** Mail is refused (550 5.2.1); may not log in. */
    DISABLED,
    /** Treated as if the address did not exist (550 5.1.1). */
    DELETED;

    /** Parses a directory value; {@code null} or anything unknown is {@link #ACTIVE}. */
    public static AccountStatus fromDirectory(String value) {
        if (value == null) {
            return ACTIVE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "noaccess" -> NOACCESS;
            case "disabled" -> DISABLED;
            case "deleted" -> DELETED;
            default -> ACTIVE;
        };
    }

    /** True when mail addressed to this entry may be accepted. */
    public boolean receivesMail() {
        return this == ACTIVE || this == NOACCESS;
    }
}
