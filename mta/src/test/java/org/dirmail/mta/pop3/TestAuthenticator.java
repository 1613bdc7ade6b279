package org.dirmail.mta.pop3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.auth.AuthResult;
import org.dirmail.directory.auth.Authenticator;

/**
 * An in-memory {@link Authenticator} with the real one's contract: refused accounts are a
 * {@link AuthResult.Failure}; the login {@code tempfail} gets {@link AuthResult.TempFail}.
 * Answers at once, on the calling thread. Records the logins it was asked about.
 */
final class TestAuthenticator implements Authenticator {

    private final Map<String, String> passwords = new HashMap<>();
    private final Map<String, MailUser> users = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    /** A user with {@code store} as mailMessageStore and {@code mailHost} when not null. */
    TestAuthenticator user(String login, String password, String store, String mailHost, AccountStatus status) {
        passwords.put(login, password);
        users.put(login, new MailUser("uid=" + login + ",dc=example,dc=org", login + "@example.org",
                Optional.of(login), status, Optional.ofNullable(store), Optional.of("/home/" + login),
                Optional.ofNullable(mailHost), List.of(), List.of(), 0, 0, 0));
        return this;
    }

    TestAuthenticator user(String login, String password, String store) {
        return user(login, password, store, null, AccountStatus.ACTIVE);
    }

    @Override
    public synchronized CompletionStage<AuthResult> authenticate(String login, String password) {
        asked.add(login);
        if (login.equals("tempfail")) {
            return CompletableFuture.completedFuture(new AuthResult.TempFail("directory down"));
        }
        MailUser user = users.get(login);
        if (user == null) {
            return CompletableFuture.completedFuture(new AuthResult.Failure("no such user"));
        }
        if (!passwords.get(login).equals(password)) {
            return CompletableFuture.completedFuture(new AuthResult.Failure("wrong password"));
        }
        if (user.accountStatus() != AccountStatus.ACTIVE) {
            return CompletableFuture.completedFuture(new AuthResult.Failure("account " + user.accountStatus()));
        }
        return CompletableFuture.completedFuture(new AuthResult.Success(user, List.of(user.mail())));
    }
}
