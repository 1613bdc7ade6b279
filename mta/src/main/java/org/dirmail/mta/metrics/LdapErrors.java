package org.dirmail.mta.metrics;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;

/**
 * Which finished LDAP operations count as directory errors: a refused password is the directory
 * answering "no", not failing, so a password-guessing client cannot make the directory look sick.
 */
final class LdapErrors {

    private LdapErrors() {
    }

    /** @param failure what the operation threw, or null when it returned */
    static boolean isError(Throwable failure) {
        if (failure == null) {
            return false;
        }
        return !(failure instanceof LDAPException e && e.getResultCode() == ResultCode.INVALID_CREDENTIALS);
    }
}
