package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 4954 AUTH with PLAIN (RFC 4616) and LOGIN: the dialogue, failures, the throttle and the
 * AUTH= parameter. On MX with AUTH allowed in clear, so no TLS is needed here (see SmtpStartTlsTest).
 */
class SmtpAuthTest {

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private final TestAuthenticator authenticator = TestAuthenticator.standard().tempFail("carol");
    private SmtpTranscript smtp;

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript connect(TestSettings settings) {
        smtp = new SmtpTranscript(SmtpRole.MX, settings.allowPlaintextAuth(true).build(),
                SmtpTranscript.services(directory, queue, authenticator, Optional.empty()));
        return smtp.expect("220 ").send("EHLO client.example").expect("250-");
    }

    private SmtpTranscript connect() {
        return connect(TestSettings.defaults());
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainWithInitialResponse() {
        connect().send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 2.7.0 Authentication successful");
        assertThat(authenticator.asked()).containsExactly("alice");
    }

    @Test
    void plainWithEmptyChallenge() {
        connect().send("AUTH PLAIN").expect("334 ")
                .send(b64("alice\0alice\0secret")).expect("235 2.7.0"); // authzid equal to authcid is fine
    }

    @Test
    void loginMechanismAsksForUsernameThenPassword() {
        connect().send("AUTH LOGIN").expect("334 VXNlcm5hbWU6")
                .send(b64("bob")).expect("334 UGFzc3dvcmQ6")
                .send(b64("hunter2")).expect("235 2.7.0");
    }

    @Test
    void loginWithTheUsernameAsInitialResponse() {
        connect().send("auth login " + b64("bob")).expect("334 UGFzc3dvcmQ6")
                .send(b64("hunter2")).expect("235 2.7.0");
    }

    @Test
    void ehloAdvertisesTheMechanismsWhenAllowed() {
        connect(TestSettings.defaults()).send("EHLO again.example");
        assertThat(smtp.nextReply()).contains("250-AUTH PLAIN LOGIN\r\n");
    }

    @Test
    void starCancelsAndBadBase64IsRefused() {
        connect().send("AUTH LOGIN").expect("334 ").send("*").expect("501 5.0.0 Authentication cancelled")
                .send("AUTH PLAIN").expect("334 ").send("not base64!").expect("501 5.5.2 Cannot decode response")
                .send("AUTH PLAIN").expect("334 ").send("*").expect("501 5.0.0")
                .send("NOOP").expect("250 2.0.0"); // back to commands
        assertThat(authenticator.asked()).isEmpty();
    }

    @Test
    void mechanismAndSyntaxErrors() {
        connect().send("AUTH CRAM-MD5").expect("504 5.5.4")
                .send("AUTH").expect("501 5.5.4")
                .send("AUTH PLAIN =").expect("535 5.7.8") // an empty PLAIN message names nobody
                .send("AUTH PLAIN " + b64("\0alice\0")).expect("535 5.7.8"); // empty password: never asked
        assertThat(authenticator.asked()).isEmpty();
    }

    @Test
    void anAuthzidOtherThanTheLoginIsRefused() {
        connect().send("AUTH PLAIN " + b64("bob\0alice\0secret")).expect("535 5.7.8");
        assertThat(authenticator.asked()).isEmpty();
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() {
        connect().send("AUTH PLAIN " + b64("\0alice\0wrong"))
                .expect("535 5.7.8 Authentication credentials invalid")
                .send("AUTH PLAIN " + b64("\0mallory\0secret"))
                .expect("535 5.7.8 Authentication credentials invalid");
    }

    @Test
    void aFailureIsAnsweredOnlyAfterTheDelayWithReadingPaused() {
        connect(TestSettings.defaults().authFailureDelay(Duration.ofSeconds(2)))
                .sendRaw("AUTH PLAIN " + b64("\0alice\0wrong") + "\r\nNOOP\r\n").expectNothing();
        assertThat(smtp.autoRead()).isFalse();
        smtp.advanceTime(1, TimeUnit.SECONDS).expectNothing()
                .advanceTime(1, TimeUnit.SECONDS).expect("535 5.7.8").expect("250 2.0.0");
        assertThat(smtp.autoRead()).isTrue();
    }

    @Test
    void directoryTroubleIs454() {
        connect().send("AUTH PLAIN " + b64("\0carol\0whatever")).expect("454 4.7.0 Temporary authentication failure")
                .send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 ");
    }

    @Test
    void authTwiceOrInsideATransactionIs503() {
        connect().send("MAIL FROM:<x@client.example>").expect("250")
                .send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1 Error: MAIL transaction in progress")
                .send("RSET").expect("250")
                .send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 ")
                .send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1 Error: already authenticated");
    }

    @Test
    void authBeforeEhloIs503() {
        smtp = new SmtpTranscript(SmtpRole.MX, TestSettings.defaults().allowPlaintextAuth(true).build(),
                SmtpTranscript.services(directory, queue, authenticator, Optional.empty()));
        smtp.expect("220 ").send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1");
    }

    @Test
    void withoutTlsAndWithoutPlaintextAuthTheCommandIsNotEnabled() {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
        smtp.expect("220 ").send("EHLO client.example");
        assertThat(smtp.nextReply()).doesNotContain("AUTH");
        smtp.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1 Error: authentication not enabled");
    }

    @Test
    void aResponseLongerThanACommandLineIsRefused() {
        connect().send("AUTH PLAIN").expect("334 ").send("A".repeat(511)).expect("500 5.5.6 Line too long")
                .send("NOOP").expect("250 2.0.0");
    }

    @Test
    void tooManyFailuresAre421AndClose() { // the test throttle allows 3 failures per 15 minutes
        connect().send("AUTH PLAIN " + b64("\0alice\0guess1")).expect("535 ")
                .send("AUTH PLAIN " + b64("\0alice\0guess2")).expect("535 ")
                .send("AUTH PLAIN " + b64("\0alice\0guess3")).expect("535 ")
                .send("AUTH PLAIN " + b64("\0alice\0secret"))
                .expect("421 4.7.0 Too many failed authentications").expectClosed();
        assertThat(authenticator.asked()).hasSize(3);
    }

    @Test
    void theThrottleCountsAcrossConnectionsFromTheSameAddress() {
        var services = SmtpTranscript.services(directory, queue, authenticator, Optional.empty());
        var settings = TestSettings.defaults().allowPlaintextAuth(true).build();
        for (int i = 0; i < 3; i++) {
            smtp = new SmtpTranscript(SmtpRole.MX, settings, services);
            smtp.expect("220 ").send("EHLO client.example").expect("250-")
                    .send("AUTH PLAIN " + b64("\0user" + i + "\0guess")).expect("535 ");
            smtp.finish();
        }
        smtp = new SmtpTranscript(SmtpRole.MX, settings, services);
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("AUTH PLAIN " + b64("\0bob\0hunter2")).expect("421 4.7.0").expectClosed();
    }

    @Test
    void mailAuthParameterIsCheckedAndGrantsNothing() { // RFC 4954 5, RFC 3461 4
        connect().send("MAIL FROM:<x@client.example> AUTH=<>").expect("250 2.1.0").send("RSET").expect("250")
                .send("MAIL FROM:<x@client.example> AUTH=alice+40example.org").expect("250 2.1.0")
                .send("RCPT TO:<friend@elsewhere.example>").expect("554 5.7.1") // still not authenticated
                .send("RSET").expect("250")
                .send("MAIL FROM:<x@client.example> AUTH=a+0D+0Ab").expect("501 5.5.4")
                .send("MAIL FROM:<x@client.example> AUTH=a+00").expect("501 5.5.4")
                .send("MAIL FROM:<x@client.example> AUTH=a+4").expect("501 5.5.4")
                .send("MAIL FROM:<x@client.example> AUTH=a+2b").expect("501 5.5.4");
    }
}
