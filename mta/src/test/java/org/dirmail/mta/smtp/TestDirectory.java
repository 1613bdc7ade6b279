package org.dirmail.mta.smtp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.PostingDecision;
import org.dirmail.directory.RecipientResolver;

/**
 * A map-based directory, groups included: a group's members are its {@code rfc822member}s, and
 * only they may post to a members-only group. Answers are immediate unless {@link #delay} or
 * {@link #delayPosting} registered a future the test completes later, from another thread, to
 * exercise the hop back to the event loop.
 */
final class TestDirectory implements RecipientResolver, MailGroups {

    private final Map<String, CompletableFuture<Lookup>> answers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<PostingDecision>> postings = new ConcurrentHashMap<>();
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

    /** A group entry at {@code address}; {@code flags} may hold "membersonly" and "moderated". */
    TestDirectory group(String address, List<String> members, String... flags) {
        List<String> set = List.of(flags);
        MailGroup group = new MailGroup(dn(address), members, List.of(), List.of(), set.contains("membersonly"),
                List.of(), List.of(), List.of(), List.of(), false,
                set.contains("moderated") ? List.of("moderator@example.org") : List.of());
        MailUser entry = new MailUser(dn(address), address, Optional.empty(), AccountStatus.ACTIVE, Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0, 0, Optional.of(group));
        answers.put(address, CompletableFuture.completedFuture(new Lookup.Found(entry, address)));
        return this;
    }

    /** The members-only answer for the group at {@code address} waits until the test completes it. */
    CompletableFuture<PostingDecision> delayPosting(String address) {
        var later = new CompletableFuture<PostingDecision>();
        postings.put(dn(address), later);
        return later;
    }

    @Override
    public CompletionStage<PostingDecision> mayPost(MailGroup group, String sender) {
        asked.add("mayPost " + sender + " to " + group.dn());
        CompletableFuture<PostingDecision> later = postings.get(group.dn());
        if (later != null) {
            return later;
        }
        boolean member = !group.membersOnly() || group.rfc822Members().stream().anyMatch(sender::equalsIgnoreCase);
        return CompletableFuture.completedFuture(member ? new PostingDecision.Allowed("member")
                : new PostingDecision.Refused("not a member"));
    }

    @Override
    public CompletionStage<GroupExpansion> expand(MailGroup group) {
        return CompletableFuture.completedFuture(new GroupExpansion.Members(group.rfc822Members(), List.of()));
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

    private static String dn(String address) {
        return "uid=" + address + ",dc=example,dc=org";
    }

    private static MailUser entry(String address, AccountStatus status) {
        return new MailUser(dn(address), address, Optional.empty(), status,
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0, 0);
    }
}
