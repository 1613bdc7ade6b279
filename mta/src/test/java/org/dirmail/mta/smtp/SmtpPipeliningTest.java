package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 2920: a batch of commands in one write is answered in order, even when lookups finish out of order. */
class SmtpPipeliningTest {

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private final SmtpTranscript smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    @Test
    void batchIsAnsweredInExactOrderAcrossADelayedLookup() throws InterruptedException {
        CompletableFuture<Lookup> slow = directory.delay("slow@example.org");
        smtp.expect("220 ").sendRaw("EHLO client.example\r\n"
                + "MAIL FROM:<sender@client.example>\r\n"
                + "RCPT TO:<slow@example.org>\r\n"
                + "RCPT TO:<nobody@example.org>\r\n"
                + "RCPT TO:<alice@example.org>\r\n"
                + "DATA\r\n");
        smtp.expect("250-mx.example.org").expect("250 2.1.0").expectNothing();
        assertThat(smtp.autoRead()).as("reading paused while the lookup is pending").isFalse();
        assertThat(directory.asked()).containsExactly("slow@example.org"); // later RCPTs wait their turn

        Thread ldap = new Thread(() -> slow.complete(TestDirectory.found("slow@example.org")));
        ldap.start();
        ldap.join();
        smtp.runPendingTasks()
                .expect("250 2.1.5")
                .expect("550 5.1.1 <nobody@example.org>")
                .expect("250 2.1.5")
                .expect("354 ")
                .expectNothing();
        assertThat(smtp.autoRead()).isTrue();

        smtp.sendRaw("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n")
                .expect("250 2.0.0 Ok: queued as").expect("221 2.0.0");
        assertThat(queue.stored().get(0).envelope().recipients())
                .containsExactly("slow@example.org", "alice@example.org");
    }

    @Test
    void repliesToABatchAreFlushedOnceNotPerCommand() {
        smtp.expect("220 ");
        var flushes = smtp.countFlushes();
        smtp.sendRaw("EHLO client.example\r\nNOOP\r\nNOOP\r\nVRFY x\r\n");
        assertThat(flushes.get()).isEqualTo(1);
        smtp.expect("250-").expect("250 2.0.0").expect("250 2.0.0").expect("252 2.5.2");
    }

    @Test
    void linesAfterTheFinalDotWaitForTheQueue() {
        smtp.expect("220 ").sendRaw("EHLO client.example\r\nMAIL FROM:<s@client.example>\r\n"
                + "RCPT TO:<alice@example.org>\r\nDATA\r\n");
        smtp.expect("250-").expect("250").expect("250").expect("354");
        smtp.sendRaw("one\r\n.\r\nMAIL FROM:<t@client.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                        + "two\r\n.\r\nQUIT\r\n")
                .expect("250 2.0.0 Ok: queued as 4A2B1").expect("250 2.1.0").expect("250 2.1.5")
                .expect("354").expect("250 2.0.0 Ok: queued as 4A2B2").expect("221").expectClosed();
        assertThat(queue.stored()).hasSize(2);
    }
}
