package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.junit.jupiter.api.Test;

/** The plan for each kind of entry: what is stored, forwarded, or refused and with which status. */
class DeliveryPlanTest {

    private static final Path ROOT = Path.of("/srv/mail");

    @Test
    void maildirIsResolvedUnderTheMailRoot() {
        DeliveryPlan plan = plan(user(Optional.of("example.com/alice/Maildir/"), List.of(), List.of(), Optional.empty()));

        assertThat(plan.maildir()).contains(Path.of("/srv/mail/example.com/alice/Maildir"));
        assertThat(plan.describe()).containsExactly("delivery:    store", "  maildir:   /srv/mail/example.com/alice/Maildir");
    }

    @Test
    void storeOutsideTheRootOrMboxIsDeferredNotBounced() {
        assertThat(plan(user(Optional.of("../etc/"), List.of(), List.of(), Optional.empty())).refusal())
                .hasValueSatisfying(r -> assertThat(r).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                        d -> assertThat(d.status()).isEqualTo("4.3.5")));
        assertThat(plan(user(Optional.of("example.com/alice/mbox"), List.of(), List.of(), Optional.empty())).describe())
                .containsExactly("delivery:    defer 4.3.5 (mbox delivery to 'example.com/alice/mbox' is not supported yet)");
    }

    @Test
    void noforwardDropsForwardsAndNothingLeftIsDeferred() {
        DeliveryPlan plan = plan(user(Optional.empty(), List.of("x@example.org"), List.of("noforward"), Optional.empty()));

        assertThat(plan.refusal()).hasValueSatisfying(r -> assertThat(r.detail()).contains("no mailbox and no forwarding"));
    }

    @Test
    void storeAndForwardWithNotes() {
        DeliveryPlan plan = plan(user(Optional.of("example.com/a/Maildir/"), List.of("x@example.org"), List.of(),
                Optional.of("mx2.example.com")));

        assertThat(plan.describe()).containsExactly(
                "delivery:    store and forward",
                "  maildir:   /srv/mail/example.com/a/Maildir",
                "  forward:   x@example.org",
                "  note:      mailHost mx2.example.com: the mailbox is here when that names this node (hostname, "
                        + "cluster_hosts), else mail is relayed there");
    }

    @Test
    void mailHostOfAnotherNodeIsRelayedThereAndNothingElseHappensHere() {
        MailUser user = user(Optional.of("example.com/a/Maildir/"), List.of("x@example.org"), List.of(),
                Optional.of("Node2.Example.com"));

        DeliveryPlan elsewhere = DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, Set.of("node1.example.com"));
        assertThat(elsewhere.relayHost()).contains("node2.example.com");
        assertThat(elsewhere.maildir()).isEmpty();
        assertThat(elsewhere.forwards()).isEmpty();
        assertThat(elsewhere.describe()).first().isEqualTo("delivery:    relay to cluster node node2.example.com (its mailHost)");

        DeliveryPlan here = DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, Set.of("node2.example.com"));
        assertThat(here.relayHost()).isEmpty();
        assertThat(here.maildir()).isPresent();
    }

    @Test
    void aMailHostThatIsNoHostNameIsDeferredNotConnectedTo() {
        MailUser user = user(Optional.of("example.com/a/Maildir/"), List.of(), List.of(), Optional.of("evil host\r\n"));

        assertThat(DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, Set.of("node1.example.com")).refusal())
                .contains(new DeliveryOutcome.Deferred("4.3.5", "illegal mailHost value"));
    }

    @Test
    void replyNeedsTheTextAndMayBeTheOnlyDelivery() {
        MailUser withText = new MailUser("uid=a,dc=example,dc=com", "a@example.com", Optional.of("a"),
                AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                List.of("nolocal", "reply"), 0, 0, 0, Optional.empty(), Optional.of("Away until Monday.\nRegards"));
        DeliveryPlan plan = plan(withText);
        assertThat(plan.refusal()).isEmpty();
        assertThat(plan.replyText()).contains("Away until Monday.\nRegards");
        assertThat(plan.describe()).contains("delivery:    no local copy, autoreply",
                "  autoreply: \"Away until Monday. Regards\" (26 characters)");

        DeliveryPlan noText = plan(user(Optional.of("example.com/a/Maildir/"), List.of(), List.of("reply"), Optional.empty()));
        assertThat(noText.replyText()).isEmpty();
        assertThat(noText.notes()).contains("deliveryMode reply without mailReplyText: no auto-reply");
    }

    @Test
    void directoryAnswersMapToQmailLspawnStatuses() {
        assertThat(DeliveryPlan.of(new Lookup.NotFound(), ROOT).refusal())
                .contains(new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name"));
        assertThat(DeliveryPlan.of(new Lookup.TempFail("down"), ROOT).refusal())
                .contains(new DeliveryOutcome.Deferred("4.4.3", "directory lookup failed: down"));
        assertThat(DeliveryPlan.of(new Lookup.TempFail("ambiguous: x", true), ROOT).describe())
                .containsExactly("delivery:    bounce 5.3.5 (too many directory entries, need a unique one: ambiguous: x)");
    }

    private static DeliveryPlan plan(MailUser user) {
        return DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT);
    }

    private static MailUser user(Optional<String> store, List<String> forwards, List<String> modes, Optional<String> host) {
        return new MailUser("uid=a,dc=example,dc=com", "a@example.com", Optional.of("a"), AccountStatus.ACTIVE, store,
                Optional.empty(), host, forwards, modes, 0, 0, 0);
    }
}
