package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Greeting, EHLO/HELO, sequence and syntax errors, command framing, closing: RFC 5321 4.1 and 4.3. */
class SmtpCommandsTest {

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    @BeforeEach
    void connect() {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
    }

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    @Test
    void greetsWithHostnameAndNoEnhancedCode() {
        smtp.expect("220 mx.example.org ESMTP dirmail");
    }

    @Test
    void ehloAdvertisesExactlyOurExtensions() {
        smtp.expect("220 ").send("EHLO client.example");
        assertThat(smtp.nextReply()).isEqualTo(String.join("\r\n",
                "250-mx.example.org",
                "250-PIPELINING",
                "250-SIZE 10240000",
                "250-8BITMIME",
                "250 ENHANCEDSTATUSCODES"));
    }

    @Test
    void heloGivesOneLineAndAllowsATransaction() {
        smtp.expect("220 ").send("HELO client.example").expect("250 mx.example.org")
                .send("MAIL FROM:<bob@client.example>").expect("250 2.1.0")
                .send("RCPT TO:<alice@example.org>").expect("250 2.1.5");
    }

    @Test
    void emptyEhloIsASyntaxError() {
        smtp.expect("220 ").send("EHLO").expect("501 5.5.4").send("HELO ").expect("501 5.5.4");
    }

    @Test
    void sequenceErrorsAre503() { // RFC 5321 4.1.4
        smtp.expect("220 ")
                .send("MAIL FROM:<bob@client.example>").expect("503 5.5.1 Error: send HELO/EHLO first")
                .send("EHLO client.example").expect("250-")
                .send("RCPT TO:<alice@example.org>").expect("503 5.5.1 Error: need MAIL command")
                .send("DATA").expect("503 5.5.1 Error: need MAIL command")
                .send("MAIL FROM:<bob@client.example>").expect("250 2.1.0")
                .send("DATA").expect("503 5.5.1 Error: need RCPT command")
                .send("MAIL FROM:<bob@client.example>").expect("503 5.5.1 Error: nested MAIL command")
                .send("RCPT TO:<nobody@example.org>").expect("550 5.1.1")
                .send("DATA").expect("554 5.5.1 Error: no valid recipients");
    }

    @Test
    void syntaxErrors() {
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL bob@client.example").expect("501 5.5.4 Syntax: MAIL FROM:<address>")
                .send("MAIL FROM:bob@client.example").expect("501 5.1.7")
                .send("MAIL FROM:<bob@@client.example>").expect("501 5.1.7")
                .send("MAIL FROM:<bob@client.example> SIZE=abc").expect("501 5.5.4")
                .send("MAIL FROM:<bob@client.example> BODY=BINARYMIME").expect("501 5.5.4")
                .send("MAIL FROM:<bob@client.example> SMTPUTF8").expect("555 5.5.4")
                .send("MAIL FROM:<bob@client.example> BODY=8BITMIME SIZE=1000").expect("250 2.1.0")
                .send("RCPT TO:<>").expect("501 5.1.3")
                .send("RCPT TO:<alice @example.org>").expect("501 5.1.3")
                .send("RCPT TO:<alice@example.org> NOTIFY=NEVER").expect("555 5.5.4")
                .send("RCPT TO:<bj\u00f6rn@example.org>").expect("553 5.6.7")
                .send("RCPT TO:<" + "a".repeat(65) + "@example.org>").expect("501 5.1.3 Path too long")
                .send("RSET x").expect("501 5.5.4")
                .send("XYZZY").expect("500 5.5.2")
                .send("").expect("500 5.5.2");
    }

    @Test
    void nullSenderAndSourceRouteAreAccepted() {
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<>").expect("250 2.1.0")
                .send("RCPT TO:<@relay.example,@other.example:alice@example.org>").expect("250 2.1.5");
        assertThat(directory.asked()).containsExactly("alice@example.org");
    }

    @Test
    void verbsAreCaseInsensitive() { // RFC 5321 2.4
        smtp.expect("220 ").send("ehlo client.example").expect("250-")
                .send("mail from:<bob@client.example>").expect("250 2.1.0")
                .send("rcpt to:<ALICE@EXAMPLE.ORG>").expect("550 5.1.1"); // the directory decides case
    }

    @Test
    void commandLineOf513OctetsIsRefusedAndItsTailNeverRuns() { // RFC 5321 4.5.3.1.4
        String noop = "NOOP " + "x".repeat(512 - 2 - 5);
        smtp.expect("220 ").send(noop).expect("250 2.0.0");
        // 513 octets with CRLF; the tail is a command that must not execute
        String overlong = "NOOP " + "x".repeat(513 - 2 - 5 - 4) + "QUIT";
        assertThat(overlong.length() + 2).isEqualTo(513);
        smtp.send(overlong).expect("500 5.5.6 Line too long").send("NOOP").expect("250 2.0.0");
        String huge = "NOOP " + "y".repeat(5000) + "\r\nQUIT";
        smtp.sendRaw(huge).expect("500 5.5.6").expectNothing().sendRaw("\r\n").expect("221 2.0.0").expectClosed();
    }

    @Test
    void bareLineFeedInACommandIsRefusedWholeAndTheSessionGoesOn() {
        smtp.expect("220 ").sendRaw("NOOP\nQUIT\r\n").expect("500 5.5.2 Error: bare <CR> or <LF>")
                .sendRaw("EHLO client.example\n\r\n").expect("500 5.5.2")
                .send("NOOP").expect("250 2.0.0");
    }

    @Test
    void bareCarriageReturnInACommandIsRefused() {
        smtp.expect("220 ").sendRaw("NOOP\rQUIT\r\n").expect("500 5.5.2")
                .sendRaw("NOOP\r").sendRaw("\r\n").expect("500 5.5.2") // CR CR LF: the first CR is bare
                .sendRaw("NOOP\r").sendRaw("\n").expect("250 2.0.0"); // CRLF split across segments
    }

    @Test
    void rsetClearsTheTransaction() {
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<bob@client.example>").expect("250")
                .send("RCPT TO:<alice@example.org>").expect("250")
                .send("RSET").expect("250 2.0.0")
                .send("DATA").expect("503 5.5.1 Error: need MAIL command")
                .send("MAIL FROM:<carol@client.example>").expect("250 2.1.0");
    }

    @Test
    void noopVrfyHelpQuit() {
        smtp.expect("220 ").send("NOOP anything").expect("250 2.0.0")
                .send("VRFY alice").expect("252 2.5.2")
                .send("VRFY").expect("501 5.5.4")
                .send("HELP").expect("214-2.0.0 Commands")
                .send("QUIT").expect("221 2.0.0 Bye").expectClosed();
    }

    @Test
    void tooManyErrorsEndWith421() {
        var settings = TestSettings.defaults().maxMessageSize(1000).maxErrors(3).build();
        smtp.finish();
        smtp = new SmtpTranscript(settings, directory, queue);
        smtp.expect("220 ").send("BAD1").expect("500").send("BAD2").expect("500")
                .send("BAD3").expect("421 4.7.0 Error: too many errors").expectClosed();
    }

    @Test
    void idleClientIsDisconnectedWith421() { // RFC 5321 4.5.3.2.7
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .advanceTime(4, TimeUnit.MINUTES).expectNothing()
                .advanceTime(2, TimeUnit.MINUTES)
                .expect("421 4.4.2 mx.example.org Error: timeout exceeded").expectClosed();
    }
}
