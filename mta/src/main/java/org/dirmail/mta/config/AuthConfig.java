package org.dirmail.mta.config;

import java.time.Duration;
import org.dirmail.directory.auth.AuthMethod;
import org.dirmail.directory.auth.LoginLookup;

/**
 * How SMTP AUTH and POP3 logins are checked and throttled.
 *
 * @param allowPlaintext   offer logins on connections without TLS
 * @param method           bind as the user, or compare hashes
 * @param loginLookup      how a login name finds its entry
 * @param failureDelay     delay before a failed login is answered
 * @param maxFailures      failures per client address or login within {@code failureWindow}
 *                         after which logins are refused and the client disconnected
 * @param failureWindow    how long failures are remembered
 */
public record AuthConfig(
        boolean allowPlaintext,
        AuthMethod method,
        LoginLookup loginLookup,
        Duration failureDelay,
        int maxFailures,
        Duration failureWindow) {
}
