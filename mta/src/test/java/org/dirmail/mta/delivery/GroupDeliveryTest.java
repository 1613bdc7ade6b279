package org.dirmail.mta.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.PostingDecision;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery to a qmailGroup entry (qmail-ldap.md §8.1) on scripted directory answers: one re-queued
 * copy to all members, never a Maildir file for the group, members-only and expansion failures
 * mapped to bounce or defer, bounceadmin as the copy's sender.
 */
class GroupDeliveryTest {

    private static final String DN = "uid=sales,dc=example,dc=com";

    @TempDir
    Path mailRoot;

    private final ScriptedGroups groups = new ScriptedGroups();
    private final List<Envelope> queued = new CopyOnWriteArrayList<>();
    private final List<String> queuedText = new CopyOnWriteArrayList<>();
    private final MessageQueue queue = (envelope, message) -> {
        queued.add(envelope);
        queuedText.add(message.toString(US_ASCII));
        message.release();
        return CompletableFuture.completedFuture("grp-" + queued.size());
    };
    private Lookup answer;
    private Router router;

    @BeforeEach
    void setUp() {
        router = new Router(address -> CompletableFuture.completedFuture(answer), groups, queue,
                Set.of("example.com"), mailRoot, "mx.example.com", 5_000);
    }

    @Test
    void oneCopyGoesToAllMembersWithTheOriginalSenderAndNothingIsStored() throws Exception {
        answer = found(group(List.of("alice@example.com", "bob@example.com", "x@remote.example"), false, List.of()));

        DeliveryOutcome outcome = deliver("Sales@example.com");

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("expanded to 3 members as grp-1"));
        assertThat(queued).singleElement().satisfies(e -> {
            assertThat(e.sender()).isEqualTo("s@client.example");
            assertThat(e.recipients()).containsExactly("alice@example.com", "bob@example.com", "x@remote.example");
        });
        assertThat(queuedText.get(0))
                .startsWith("Delivered-To: Sales@example.com\r\nPrecedence: bulk\r\nSubject: hi\r\n\r\nbody\r\n");
        assertThat(Files.exists(mailRoot.resolve("example.com/sales"))).isFalse();
    }

    @Test
    void bounceAdminIsTheEnvelopeSenderOfTheCopy() {
        answer = found(group(List.of("alice@example.com"), false, List.of("bad admin", "owner@example.com")));

        assertThat(deliver("sales@example.com").detail()).contains("envelope sender <owner@example.com>");
        assertThat(queued).singleElement().satisfies(e -> assertThat(e.sender()).isEqualTo("owner@example.com"));
    }

    @Test
    void aSenderWhoIsNoMemberBouncesWithTheRcptText() {
        answer = found(group(List.of("alice@example.com"), true, List.of()));
        groups.postings.put(DN, new PostingDecision.Refused("not a member"));

        assertThat(deliver("sales@example.com")).isEqualTo(new DeliveryOutcome.Failed("5.7.1", "only members may post"));
        assertThat(queued).isEmpty();
    }

    @Test
    void directoryTroubleDefersAndBadGroupDataDefersAsAConfigurationError() {
        answer = found(group(List.of("alice@example.com"), true, List.of()));
        groups.postings.put(DN, new PostingDecision.TempFail("timeout", false));
        assertThat(deliver("sales@example.com")).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                d -> assertThat(d.status()).isEqualTo("4.4.3"));

        groups.postings.clear();
        groups.expansions.put(DN, new GroupExpansion.TempFail("filtermember is no valid LDAP filter", true));
        assertThat(deliver("sales@example.com")).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class, d -> {
            assertThat(d.status()).isEqualTo("4.3.5");
            assertThat(d.detail()).contains("filtermember");
        });
        assertThat(queued).isEmpty();
    }

    @Test
    void invalidMemberAddressesAreSkippedAndNoneLeftBounces() {
        answer = found(group(List.of("not an address", "bob@example.com", "<x@example.com>"), false, List.of()));
        assertThat(deliver("sales@example.com").detail()).startsWith("expanded to 1 member as");
        assertThat(queued).singleElement().satisfies(e -> assertThat(e.recipients()).containsExactly("bob@example.com"));

        groups.expansions.put(DN, new GroupExpansion.Members(List.of(), List.of()));
        assertThat(deliver("sales@example.com"))
                .isEqualTo(new DeliveryOutcome.Failed("5.2.4", "no recipients found in this group"));
    }

    @Test
    void aCopyCarryingTheGroupsDeliveredToLineIsALoop() {
        answer = found(group(List.of("alice@example.com"), false, List.of()));
        byte[] looping = "Precedence: bulk\r\nDelivered-To: sales@example.com\r\n\r\nbody\r\n".getBytes(US_ASCII);

        assertThat(router.deliver(message("sales@example.com", looping), 0))
                .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.status()).isEqualTo("5.4.6"));
        assertThat(queued).isEmpty();
    }

    @Test
    void aModeratedGroupIsRefusedRatherThanPostedUnmoderated() {
        MailGroup moderated = new MailGroup(DN, List.of("alice@example.com"), List.of(), List.of(), false, List.of(),
                List.of(), List.of(), List.of(), false, List.of("mod@example.com"));
        answer = found(moderated);

        assertThat(deliver("sales@example.com")).isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
                f -> assertThat(f.status()).isEqualTo("5.7.1"));
        assertThat(queued).isEmpty();
    }

    @Test
    void aDisabledGroupBouncesLikeAnyDisabledEntry() {
        MailGroup group = group(List.of("alice@example.com"), false, List.of());
        answer = new Lookup.Found(entry(group, AccountStatus.DISABLED), "sales@example.com");

        assertThat(deliver("sales@example.com")).isEqualTo(new DeliveryOutcome.Failed("5.2.1", "mailbox disabled"));
        assertThat(queued).isEmpty();
    }

    private DeliveryOutcome deliver(String rcpt) {
        return router.deliver(message(rcpt, "Subject: hi\r\n\r\nbody\r\n".getBytes(US_ASCII)), 0);
    }

    private static QueuedMessage message(String rcpt, byte[] bytes) {
        return new QueuedMessage("q1", new Envelope("s@client.example", List.of(rcpt), "192.0.2.1", Instant.now()), bytes);
    }

    private static MailGroup group(List<String> members, boolean membersOnly, List<String> bounceAdmins) {
        return new MailGroup(DN, members, List.of(), List.of(), membersOnly, List.of(), List.of(), List.of(),
                bounceAdmins, false, List.of());
    }

    private static Lookup found(MailGroup group) {
        return new Lookup.Found(entry(group, AccountStatus.ACTIVE), "sales@example.com");
    }

    private static MailUser entry(MailGroup group, AccountStatus status) {
        return new MailUser(DN, "sales@example.com", Optional.of("sales"), status,
                Optional.of("example.com/sales/Maildir/"), Optional.empty(), Optional.empty(),
                List.of("fwd@example.com"), List.of("noforward"), 0, 0, 0, Optional.of(group));
    }
}
