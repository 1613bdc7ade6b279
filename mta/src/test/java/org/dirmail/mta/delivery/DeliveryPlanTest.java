package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    void storeOutsideTheRootIsDeferredNotBounced() {
        assertThat(plan(user(Optional.of("../etc/"), List.of(), List.of(), Optional.empty())).refusal())
                .hasValueSatisfying(r -> assertThat(r).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                        d -> assertThat(d.status()).isEqualTo("4.3.5")));
        assertThat(plan(user(Optional.of("/etc/mbox"), List.of(), List.of(), Optional.empty())).refusal())
                .hasValueSatisfying(r -> assertThat(r.detail()).contains("outside the mail root"));
    }

    @Test
    void aStoreWithoutTrailingSlashIsAnMboxUnderTheRoot() {
        DeliveryPlan plan = plan(user(Optional.of("example.com/alice/mbox"), List.of(), List.of(), Optional.empty()));

        assertThat(plan.mbox()).contains(Path.of("/srv/mail/example.com/alice/mbox"));
        assertThat(plan.maildir()).isEmpty();
        assertThat(plan.describe()).containsExactly("delivery:    store", "  mbox:      /srv/mail/example.com/alice/mbox");
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
                "  note:      mailHost mx2.example.com is ignored: dirmail delivers every mailbox on this host (no cluster forwarding)");
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
