package org.dirmail.directory.auth;

import java.util.concurrent.CompletionStage;

/**
 * Checks a login and password, for SMTP AUTH and POP3 alike. Receives both straight from the
 * client: implementations trust neither.
 */
public interface Authenticator {

    /**
     * Checks one attempt without blocking the caller. The stage never completes exceptionally:
     * every error is a {@link AuthResult.TempFail}.
     */
    CompletionStage<AuthResult> authenticate(String login, String password);
}
