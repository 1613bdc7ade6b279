package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.RecipientResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RCPT policy: the directory's three answers and the account status, relaying, limits (RFC 5321 3.3). */
class SmtpRecipientsTest {

    private final TestDirectory directory = new TestDirectory()
            .user("active@example.org", AccountStatus.ACTIVE)
            .user("noaccess@example.org", AccountStatus.NOACCESS)
            .user("disabled@example.org", AccountStatus.DISABLED)
            .user("deleted@example.org", AccountStatus.DELETED)
            .tempFail("busy@example.org");
    private SmtpTranscript smtp;

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript inTransaction(SmtpSettings settings, RecipientResolver resolver) {
        smtp = new SmtpTranscript(settings, resolver, CapturingQueue.working());
        return smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<sender@client.example>").expect("250 2.1.0");
    }

    @Test
    void directoryAnswersMapToReplies() {
        inTransaction(SmtpTranscript.settings(), directory)
                .send("RCPT TO:<active@example.org>").expect("250 2.1.5 Ok")
                .send("RCPT TO:<noaccess@example.org>").expect("250 2.1.5 Ok")
                .send("RCPT TO:<disabled@example.org>")
                .expect("550 5.2.1 <disabled@example.org>: Recipient address rejected: Mailbox disabled")
                .send("RCPT TO:<deleted@example.org>")
                .expect("550 5.1.1 <deleted@example.org>: Recipient address rejected: User unknown")
                .send("RCPT TO:<nobody@example.org>")
                .expect("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
                .send("RCPT TO:<busy@example.org>").expect("451 4.4.3 <busy@example.org>: ")
                .send("DATA").expect("354 ");
    }

    @Test
    void localDomainsCompareCaseInsensitively() {
        inTransaction(SmtpTranscript.settings(), directory)
                .send("RCPT TO:<active@EXAMPLE.ORG>").expect("550 5.1.1"); // looked up, as written
        assertThat(directory.asked()).containsExactly("active@EXAMPLE.ORG");
    }

    @Test
    void otherDomainsAreNotRelayedAndNotLookedUp() {
        inTransaction(SmtpTranscript.settings(), directory)
                .send("RCPT TO:<someone@elsewhere.example>")
                .expect("554 5.7.1 <someone@elsewhere.example>: Relay access denied")
                .send("RCPT TO:<someone@[192.0.2.1]>").expect("554 5.7.1");
        assertThat(directory.asked()).isEmpty();
    }

    @Test
    void recipientsBeyondTheLimitAre452() { // RFC 5321 4.5.3.1.10
        var settings = TestSettings.defaults().maxRecipients(2).build();
        inTransaction(settings, directory)
                .send("RCPT TO:<active@example.org>").expect("250")
                .send("RCPT TO:<noaccess@example.org>").expect("250")
                .send("RCPT TO:<active@example.org>").expect("452 4.5.3 Error: too many recipients");
    }

    @Test
    void tempFailCompletingOnAnotherThreadIs451() throws InterruptedException {
        CompletableFuture<Lookup> later = directory.delay("slow@example.org");
        inTransaction(SmtpTranscript.settings(), directory)
                .send("RCPT TO:<slow@example.org>").expectNothing();
        Thread ldap = new Thread(() -> later.complete(new Lookup.TempFail("timeout")));
        ldap.start();
        ldap.join();
        smtp.runPendingTasks().expect("451 4.4.3");
    }

    @Test
    void aResolverThatBreaksItsContractStillYields451() {
        RecipientResolver throwing = address -> {
            throw new IllegalStateException("bug");
        };
        inTransaction(SmtpTranscript.settings(), throwing)
                .send("RCPT TO:<active@example.org>").expect("451 4.4.3");
        smtp.finish();
        RecipientResolver failing = address -> CompletableFuture.failedFuture(new IllegalStateException("bug"));
        inTransaction(SmtpTranscript.settings(), failing)
                .send("RCPT TO:<active@example.org>").expect("451 4.4.3");
    }

    @Test
    void commandsWaitBehindAPendingLookupWithReadingPaused() {
        RecipientResolver neverAnswering = address -> new CompletableFuture<>();
        inTransaction(SmtpTranscript.settings(), neverAnswering)
                .send("RCPT TO:<active@example.org>").expectNothing()
                .send("QUIT").expectNothing();
        assertThat(smtp.autoRead()).isFalse();
    }
}
