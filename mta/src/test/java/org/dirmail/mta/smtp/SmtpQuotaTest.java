package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.auth.AuthThrottle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Refusing at RCPT and after DATA what delivery would bounce: a full mailbox (452 4.2.2, RFC 3463
 * X.2.2) and messages larger than a recipient's mailSizeMax (552 5.3.4, RFC 1870 6.1).
 */
class SmtpQuotaTest {

    private final TestDirectory directory = new TestDirectory()
            .user("roomy@example.org", AccountStatus.ACTIVE)
            .user("full@example.org", AccountStatus.ACTIVE)
            .userWithSizeMax("small@example.org", 100)
            .userWithSizeMax("tiny@example.org", 50)
            .userWithSizeMax("large@example.org", 100_000);
    private final Set<String> full = Set.of("full@example.org");
    /** Every question the quota service was asked: address and declared size. */
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Boolean>> delayed = new ConcurrentHashMap<>();
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    private final MailboxCheck quota = new MailboxCheck() {
        @Override
        public CompletionStage<Boolean> hasRoom(Lookup.Found recipient, long declaredSize) {
            String address = recipient.user().mail();
            asked.add(address + " " + declaredSize);
            if (address.equals("broken@example.org")) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot read maildirsize"));
            }
            return delayed.getOrDefault(address, CompletableFuture.completedFuture(!full.contains(address)));
        }
    };

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript session(String mailFrom) {
        SmtpServices services = new SmtpServices(directory, directory, queue, TestAuthenticator.standard(),
                new AuthThrottle(3, Duration.ofMinutes(15), Clock.systemUTC()), Optional.empty(),
                new ConnectionLimiter(100, 10), quota);
        smtp = new SmtpTranscript(SmtpRole.MX, SmtpTranscript.settings(), services);
        return smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send(mailFrom).expect("250 2.1.0");
    }

    @Test
    void aFullMailboxIs452AtRcptAndTheOthersStillGetTheMessage() {
        session("MAIL FROM:<s@client.example>")
                .send("RCPT TO:<full@example.org>").expect("452 4.2.2 <full@example.org>: Mailbox full")
                .send("RCPT TO:<roomy@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 ")
                .send("Subject: x").send("").send("hello").send(".").expect("250 2.0.0");
        assertThat(queue.stored()).singleElement()
                .satisfies(s -> assertThat(s.envelope().recipients()).containsExactly("roomy@example.org"));
        assertThat(asked).containsExactly("full@example.org 0", "roomy@example.org 0");
    }

    @Test
    void theDeclaredSizeIsPassedToTheQuotaService() {
        session("MAIL FROM:<s@client.example> SIZE=4096")
                .send("RCPT TO:<roomy@example.org>").expect("250 2.1.5");
        assertThat(asked).containsExactly("roomy@example.org 4096");
    }

    @Test
    void theQuotaAnswerMayComeFromAnotherThread() throws InterruptedException {
        CompletableFuture<Boolean> later = new CompletableFuture<>();
        delayed.put("roomy@example.org", later);
        session("MAIL FROM:<s@client.example>")
                .send("RCPT TO:<roomy@example.org>").expectNothing()
                .send("RCPT TO:<full@example.org>").expectNothing(); // held in order behind the first
        assertThat(smtp.autoRead()).isFalse();
        Thread disk = new Thread(() -> later.complete(false));
        disk.start();
        disk.join();
        smtp.runPendingTasks().expect("452 4.2.2 <roomy@example.org>").expect("452 4.2.2 <full@example.org>");
    }

    @Test
    void aFailedQuotaCheckAcceptsTheRecipientForDeliveryToDecide() {
        directory.user("broken@example.org", AccountStatus.ACTIVE);
        session("MAIL FROM:<s@client.example>")
                .send("RCPT TO:<broken@example.org>").expect("250 2.1.5");
    }

    @Test
    void aDeclaredSizeAboveTheRecipientsMailSizeMaxIs552AtRcpt() {
        session("MAIL FROM:<s@client.example> SIZE=101")
                .send("RCPT TO:<small@example.org>")
                .expect("552 5.3.4 <small@example.org>: Message size exceeds recipient's limit")
                .send("RCPT TO:<large@example.org>").expect("250 2.1.5")
                .send("RCPT TO:<roomy@example.org>").expect("250 2.1.5");
        assertThat(asked).as("no quota question for a refused recipient")
                .containsExactly("large@example.org 101", "roomy@example.org 101");
    }

    @Test
    void aMessageTooLargeForEveryRecipientIs552AfterData() {
        session("MAIL FROM:<s@client.example>")
                .send("RCPT TO:<small@example.org>").expect("250 2.1.5")
                .send("RCPT TO:<tiny@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 ")
                .send("Subject: x").send("").send("x".repeat(120)).send(".")
                .expect("552 5.3.4 Message size exceeds the limit of every recipient")
                // the transaction is over; a new one can start
                .send("MAIL FROM:<s@client.example>").expect("250 2.1.0");
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void oneRecipientThatTakesTheMessageIsEnoughAndDeliveryFailsTheOthers() {
        session("MAIL FROM:<s@client.example>")
                .send("RCPT TO:<small@example.org>").expect("250 2.1.5")
                .send("RCPT TO:<large@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 ")
                .send("Subject: x").send("").send("x".repeat(120)).send(".").expect("250 2.0.0");
        assertThat(queue.stored()).singleElement().satisfies(s -> assertThat(s.envelope().recipients())
                .containsExactly("small@example.org", "large@example.org"));
    }

    @Test
    void rsetForgetsTheDeclaredSize() {
        session("MAIL FROM:<s@client.example> SIZE=5000")
                .send("RSET").expect("250")
                .send("MAIL FROM:<s@client.example>").expect("250 2.1.0")
                .send("RCPT TO:<small@example.org>").expect("250 2.1.5");
    }
}
