package org.dirmail.mta.smtp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.auth.AuthResult;
import org.dirmail.directory.auth.Authenticator;

/** A map-based authenticator: login to password and addresses; answers at once, from the calling thread. */
final class TestAuthenticator implements Authenticator {

    private record Account(String password, List<String> addresses) {
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final List<String> tempFailing = new CopyOnWriteArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    /** alice/secret owns alice@example.org; bob/hunter2 owns bob@example.org and b@example.net. */
    static TestAuthenticator standard() {
        return new TestAuthenticator()
                .user("alice", "secret", "alice@example.org")
                .user("bob", "hunter2", "bob@example.org", "b@example.net");
    }

    TestAuthenticator user(String login, String password, String... addresses) {
        accounts.put(login, new Account(password, List.of(addresses)));
        return this;
    }

    TestAuthenticator tempFail(String login) {
        tempFailing.add(login);
        return this;
    }

    /** The logins asked about, in order. */
    List<String> asked() {
        return asked;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String login, String password) {
        asked.add(login);
        if (tempFailing.contains(login)) {
            return CompletableFuture.completedFuture(new AuthResult.TempFail("ldap down"));
        }
        Account account = accounts.get(login);
        if (account == null || !account.password().equals(password)) {
            return CompletableFuture.completedFuture(new AuthResult.Failure(account == null ? "no such login" : "bad password"));
        }
        MailUser user = new MailUser("uid=" + login + ",dc=example,dc=org", account.addresses().get(0),
                Optional.of(login), AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), List.of(), 0, 0, 0);
        return CompletableFuture.completedFuture(new AuthResult.Success(user, account.addresses()));
    }
}
