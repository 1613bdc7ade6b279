package org.dirmail.directory.auth;

/** How a password is verified against the directory. */
public enum AuthMethod {
    /** Bind as the user's DN on a separate connection pool: the directory checks the password. */
    BIND,
    /** Read {@code userPassword} and compare hashes here ({SSHA}, {CRYPT}, …). */
    COMPARE
}
