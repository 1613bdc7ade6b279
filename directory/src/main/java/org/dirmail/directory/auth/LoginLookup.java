package org.dirmail.directory.auth;

/** How a login name is turned into a directory entry. */
public enum LoginLookup {
    /** A login containing {@code @} is a mail address, any other a {@code uid}. */
    AUTO,
    /** Always {@code (uid=login)}, as qmail-ldap does. */
    UID,
    /** Always {@code (|(mail=login)(mailAlternateAddress=login))}. */
    MAIL
}
