package org.dirmail.directory.auth;

import java.util.List;
import org.dirmail.directory.MailUser;

/**
 * The answer to one login attempt. Only {@link Success} lets a client in; every {@link Failure}
 * must look the same to the client (unknown user, wrong password and refused account alike), and
 * {@link TempFail} means "try again later" (SMTP 454 4.7.0, POP3 {@code -ERR [SYS/TEMP]}).
 */
public sealed interface AuthResult permits AuthResult.Success, AuthResult.Failure, AuthResult.TempFail {

    /**
     * The password was right and the account may log in.
     *
     * @param user      the entry
     * @param addresses every {@code mail} and {@code mailAlternateAddress} value, lower-cased,
     *                  primary first: the senders this login may use (sender_login_check)
     */
    record Success(MailUser user, List<String> addresses) implements AuthResult {
        public Success {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * The login is refused.
     *
     * @param logReason why, for the log only: never shown to the client, since it tells an unknown
     *                  user from a wrong password
     */
    record Failure(String logReason) implements AuthResult {
    }

    /**
     * The directory could not decide now: down, timed out, busy, or more than one entry matched.
     *
     * @param reason a short text for the log
     */
    record TempFail(String reason) implements AuthResult {
    }
}
