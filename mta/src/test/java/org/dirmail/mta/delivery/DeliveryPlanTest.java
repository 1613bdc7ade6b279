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
                "  note:      mailHost mx2.example.com: the mailbox is here when that names this node (hostname, "
                        + "cluster_hosts), else mail is relayed there");
    }

    @Test
    void mailHostOfAnotherNodeIsRelayedThereAndNothingElseHappensHere() {
        MailUser user = user(Optional.of("example.com/a/Maildir/"), List.of("x@example.org"), List.of(),
                Optional.of("Node2.Example.com"));

        DeliveryPlan elsewhere = DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, false, Set.of("node1.example.com"));
        assertThat(elsewhere.relayHost()).contains("node2.example.com");
        assertThat(elsewhere.maildir()).isEmpty();
        assertThat(elsewhere.forwards()).isEmpty();
        assertThat(elsewhere.describe()).first().isEqualTo("delivery:    relay to cluster node node2.example.com (its mailHost)");

        DeliveryPlan here = DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, false, Set.of("node2.example.com"));
        assertThat(here.relayHost()).isEmpty();
        assertThat(here.maildir()).isPresent();
    }

    @Test
    void aMailHostThatIsNoHostNameIsDeferredNotConnectedTo() {
        MailUser user = user(Optional.of("example.com/a/Maildir/"), List.of(), List.of(), Optional.of("evil host\r\n"));

        assertThat(DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT, false, Set.of("node1.example.com")).refusal())
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

    @Test
    void programsRunOnlyWithLdapwithprogOrBothAndAllowPrograms() {
        MailUser prog = programUser(Optional.of("ldapwithprog"), List.of(), List.of("/usr/bin/filter -v"));

        DeliveryPlan allowed = DeliveryPlan.of(new Lookup.Found(prog, prog.mail()), ROOT, true, Set.of());
        assertThat(allowed.programs()).containsExactly("/usr/bin/filter -v");
        assertThat(allowed.describe()).startsWith("delivery:    run a program, store", "  home:      /srv/mail/example.com/p",
                "  program:   /usr/bin/filter -v");

        DeliveryPlan off = DeliveryPlan.of(new Lookup.Found(prog, prog.mail()), ROOT, false, Set.of());
        assertThat(off.programs()).isEmpty();
        assertThat(off.notes()).contains("deliveryProgramPath not run: allow_programs is off");

        MailUser ldapOnly = programUser(Optional.empty(), List.of(), List.of("/usr/bin/filter"));
        assertThat(DeliveryPlan.of(new Lookup.Found(ldapOnly, ldapOnly.mail()), ROOT, true, Set.of()).notes())
                .contains("deliveryProgramPath not run: qmailDotMode ldaponly (ldapwithprog or both runs it)");
        MailUser noProgram = programUser(Optional.of("both"), List.of("noprogram"), List.of("/usr/bin/filter"));
        assertThat(DeliveryPlan.of(new Lookup.Found(noProgram, noProgram.mail()), ROOT, true, Set.of()).programs()).isEmpty();
    }

    @Test
    void aProgramOnlyEntryWithProgramsOffHasNothingToDeliverTo() {
        MailUser prog = new MailUser("uid=p,dc=example,dc=com", "p@example.com", Optional.of("p"), AccountStatus.ACTIVE,
                Optional.empty(), Optional.of("example.com/p"), Optional.empty(), List.of(), List.of(), 0, 0, 0,
                Optional.empty(), List.of("/usr/bin/filter"), Optional.of("ldapwithprog"));

        assertThat(DeliveryPlan.of(new Lookup.Found(prog, prog.mail()), ROOT, false, Set.of()).refusal())
                .hasValueSatisfying(r -> assertThat(r).isEqualTo(new DeliveryOutcome.Deferred("4.3.5",
                        "uid=p,dc=example,dc=com has no mailbox and no forwarding address and no program it may run")));
        assertThat(DeliveryPlan.of(new Lookup.Found(prog, prog.mail()), ROOT, true, Set.of()).delivers()).isTrue();
    }

    @Test
    void programsWithShellMetacharactersAndIllegalDotModesDefer() {
        MailUser semicolon = programUser(Optional.of("ldapwithprog"), List.of(), List.of("/bin/true; rm -rf ~"));
        assertThat(DeliveryPlan.of(new Lookup.Found(semicolon, semicolon.mail()), ROOT, true, Set.of()).refusal())
                .hasValueSatisfying(r -> assertThat(r.detail()).contains("RESTRICT_PROG"));
        for (String mode : new String[] {"none", "Both", "dotonly "}) {
            MailUser odd = programUser(Optional.of(mode), List.of(), List.of());
            assertThat(plan(odd).refusal()).as(mode).hasValueSatisfying(r -> assertThat(r.detail())
                    .contains("illegal qmailDotMode"));
        }
        assertThat(plan(programUser(Optional.of("LDAPONLY"), List.of(), List.of())).delivers()).isTrue();
    }

    @Test
    void dotonlyReadsTheQmailFileInTheHomeAndIgnoresTheLdapSwitches() {
        MailUser dot = new MailUser("uid=p,dc=example,dc=com", "p@example.com", Optional.of("p"), AccountStatus.ACTIVE,
                Optional.of("example.com/p/Maildir/"), Optional.of("/srv/mail/homes/p"), Optional.empty(),
                List.of("x@example.org"), List.of("nolocal"), 0, 0, 0, Optional.empty(), List.of(), Optional.of("dotonly"));

        DeliveryPlan plan = DeliveryPlan.of(new Lookup.Found(dot, "p-list@example.com", "list"), ROOT, false, Set.of());

        assertThat(plan.dotQmail()).contains(new DotQmailRules(Path.of("/srv/mail/homes/p"), "list", true, true, true,
                false, false));
        assertThat(plan.maildir()).contains(Path.of("/srv/mail/example.com/p/Maildir"));
        assertThat(plan.forwards()).isEmpty();
        assertThat(plan.describe()).contains("delivery:    obey .qmail-list (when it is missing or empty: store)",
                "  .qmail:    /srv/mail/homes/p/.qmail-list (or a -default file), read at delivery");
    }

    @Test
    void bothWithNolocalSkipsFileLinesAndAHomeOutsideTheRootDefers() {
        MailUser both = programUser(Optional.of("both"), List.of("nolocal"), List.of());
        assertThat(plan(both).dotQmail()).hasValueSatisfying(rules -> {
            assertThat(rules.files()).isFalse();
            assertThat(rules.dotOnly()).isFalse();
        });
        MailUser escaping = new MailUser("uid=p,dc=example,dc=com", "p@example.com", Optional.of("p"),
                AccountStatus.ACTIVE, Optional.of("example.com/p/Maildir/"), Optional.of("/home/p"), Optional.empty(),
                List.of(), List.of(), 0, 0, 0, Optional.empty(), List.of(), Optional.of("both"));
        assertThat(plan(escaping).refusal()).hasValueSatisfying(r -> assertThat(r.detail())
                .isEqualTo("homeDirectory '/home/p' is outside the mail root /srv/mail"));
    }

    private static MailUser programUser(Optional<String> dotMode, List<String> modes, List<String> programs) {
        return new MailUser("uid=p,dc=example,dc=com", "p@example.com", Optional.of("p"), AccountStatus.ACTIVE,
                Optional.of("example.com/p/Maildir/"), Optional.empty(), Optional.empty(), List.of(), modes, 0, 0, 0,
                Optional.empty(), programs, dotMode);
    }

    private static DeliveryPlan plan(MailUser user) {
        return DeliveryPlan.of(new Lookup.Found(user, user.mail()), ROOT);
    }

    private static MailUser user(Optional<String> store, List<String> forwards, List<String> modes, Optional<String> host) {
        return new MailUser("uid=a,dc=example,dc=com", "a@example.com", Optional.of("a"), AccountStatus.ACTIVE, store,
                Optional.empty(), host, forwards, modes, 0, 0, 0);
    }
}
