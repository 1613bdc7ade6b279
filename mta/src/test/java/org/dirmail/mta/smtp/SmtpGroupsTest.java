package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dirmail.directory.PostingDecision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RCPT to a mail group: the members-only hook after the lookup (qmail-ldap membersonly), asked
 * off the event loop, with only a refusal permanent; moderated groups refused.
 */
class SmtpGroupsTest {

    private final TestDirectory directory = new TestDirectory()
            .group("open@example.org", List.of("alice@example.org"))
            .group("closed@example.org", List.of("alice@example.org"), "membersonly")
            .group("moderated@example.org", List.of("alice@example.org"), "moderated");
    private SmtpTranscript smtp;

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript from(String sender) {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, CapturingQueue.working());
        return smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<" + sender + ">").expect("250 2.1.0");
    }

    @Test
    void aMembersOnlyGroupRefusesAnOutsiderAndTakesAMember() {
        from("outsider@client.example")
                .send("RCPT TO:<closed@example.org>").expect("550 5.7.1 <closed@example.org>: only members may post")
                .send("RCPT TO:<open@example.org>").expect("250 2.1.5")
                .send("RSET").expect("250")
                .send("MAIL FROM:<ALICE@example.org>").expect("250 2.1.0")
                .send("RCPT TO:<closed@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 ");
        assertThat(directory.asked()).contains("mayPost outsider@client.example to uid=closed@example.org,dc=example,dc=org",
                "mayPost ALICE@example.org to uid=closed@example.org,dc=example,dc=org");
    }

    @Test
    void theNullSenderIsNoMember() {
        from("").send("RCPT TO:<closed@example.org>").expect("550 5.7.1");
    }

    @Test
    void anOpenGroupNeedsNoSecondQuestion() {
        from("outsider@client.example").send("RCPT TO:<open@example.org>").expect("250 2.1.5");
        assertThat(directory.asked()).containsExactly("open@example.org");
    }

    @Test
    void aModeratedGroupIsRefused() {
        from("alice@example.org").send("RCPT TO:<moderated@example.org>")
                .expect("550 5.7.1 <moderated@example.org>: list needs moderation or sender confirmation");
    }

    @Test
    void theAnswerArrivesOnAnotherThreadAndATempFailIs451() throws InterruptedException {
        CompletableFuture<PostingDecision> later = directory.delayPosting("closed@example.org");
        from("alice@example.org")
                .send("RCPT TO:<closed@example.org>").expectNothing()
                .send("NOOP").expectNothing();
        assertThat(smtp.autoRead()).as("reading paused while the check is pending").isFalse();
        Thread ldap = new Thread(() -> later.complete(new PostingDecision.TempFail("timeout", false)));
        ldap.start();
        ldap.join();
        smtp.runPendingTasks().expect("451 4.4.3 <closed@example.org>: ").expect("250 2.0.0 Ok");
    }

    @Test
    void aFailedCheckIs451() {
        directory.delayPosting("closed@example.org").completeExceptionally(new IllegalStateException("bug"));
        from("alice@example.org").send("RCPT TO:<closed@example.org>").expect("451 4.4.3");
    }
}
