package org.dirmail.mta.smtp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.RecipientResolver;

/**
 * A map-based directory. Answers are immediate unless {@link #delay} registered a future the
 * test completes later, from another thread, to exercise the hop back to the event loop.
 */
final class TestDirectory implements RecipientResolver {

    private final Map<String, CompletableFuture<Lookup>> answers = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    TestDirectory user(String address, AccountStatus status) {
        answers.put(address, CompletableFuture.completedFuture(new Lookup.Found(entry(address, status), address)));
        return this;
    }

    /** An active user who accepts messages of at most {@code sizeMax} bytes (mailSizeMax). */
    TestDirectory userWithSizeMax(String address, long sizeMax) {
        MailUser user = new MailUser("uid=" + address + ",dc=example,dc=org", address, Optional.empty(),
                AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                0, 0, sizeMax);
        answers.put(address, CompletableFuture.completedFuture(new Lookup.Found(user, address)));
        return this;
    }

    TestDirectory tempFail(String address) {
        answers.put(address, CompletableFuture.completedFuture(new Lookup.TempFail("ldap timeout")));
        return this;
    }

    /** The answer for {@code address} waits until the test completes the returned future. */
    CompletableFuture<Lookup> delay(String address) {
        var later = new CompletableFuture<Lookup>();
        answers.put(address, later);
        return later;
    }

    static Lookup.Found found(String address) {
        return new Lookup.Found(entry(address, AccountStatus.ACTIVE), address);
    }

    List<String> asked() {
        return asked;
    }

    @Override
    public CompletionStage<Lookup> resolve(String address) {
        asked.add(address);
        return answers.getOrDefault(address, CompletableFuture.completedFuture(new Lookup.NotFound()));
    }

    private static MailUser entry(String address, AccountStatus status) {
        return new MailUser("uid=" + address + ",dc=example,dc=org", address, Optional.empty(), status,
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0, 0);
    }
}
