package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.pop3.Pop3MailboxTest.TestMaildir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POP3 logins and refused passwords reach the metrics; other refusals do not count as failed logins. */
class Pop3MetricsTest {

    @TempDir
    Path mailRoot;

    private final TestAuthenticator directory = new TestAuthenticator().user("alice", "secret", "alice/Maildir/");
    private final DirmailMetrics metrics = DirmailMetrics.prometheus();

    @Test
    void aLoginAndAWrongPasswordAreCounted() throws Exception {
        TestMaildir.create(mailRoot.resolve("alice/Maildir"));
        pop3().send("USER alice").expect("+OK").send("PASS wrong").advanceTime(2, TimeUnit.SECONDS)
                .expectLine("-ERR [AUTH] Authentication failed");
        pop3().send("USER alice").expect("+OK").send("PASS secret").expect("+OK Logged in");

        assertThat(metrics.scrape()).contains("dirmail_pop3_logins_total 1.0")
                .contains("dirmail_auth_failures_total{protocol=\"pop3\"} 1.0");
    }

    @Test
    void aRefusedPlaintextLoginIsNoFailedPassword() {
        new Pop3Transcript(Pop3Transcript.settings(mailRoot, false), directory, Pop3Transcript.throttle(), true,
                metrics).expect("+OK").send("USER alice").expect("-ERR [AUTH] Plaintext");

        assertThat(metrics.scrape()).contains("dirmail_pop3_logins_total 0.0")
                .doesNotContain("dirmail_auth_failures_total");
    }

    private Pop3Transcript pop3() {
        return new Pop3Transcript(Pop3Transcript.settings(mailRoot, true), directory, Pop3Transcript.throttle(),
                false, metrics).expectLine("+OK dirmail POP3 ready");
    }
}
