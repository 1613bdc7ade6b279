package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DATA phase: framing (RFC 5321 4.1.1.4, 2.3.8, 4.5.2), limits, the Received field and the queue. */
class SmtpDataTest {

    private final TestDirectory directory = new TestDirectory()
            .user("alice@example.org", AccountStatus.ACTIVE)
            .user("bob@example.net", AccountStatus.NOACCESS);
    private CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    @BeforeEach
    void connect() {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
    }

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript inData() {
        return smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<sender@client.example>").expect("250 2.1.0")
                .send("RCPT TO:<alice@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 End data with <CR><LF>.<CR><LF>");
    }

    @Test
    void acceptedMessageIsQueuedWithOurReceivedFieldFirst() {
        inData().sendRaw("Subject: hi\r\n\r\nHello.\r\n.\r\n").expect("250 2.0.0 Ok: queued as 4A2B1")
                .send("QUIT").expect("221 2.0.0");
        assertThat(queue.stored()).hasSize(1);
        var stored = queue.stored().get(0);
        assertThat(stored.envelope().sender()).isEqualTo("sender@client.example");
        assertThat(stored.envelope().recipients()).containsExactly("alice@example.org");
        assertThat(stored.envelope().clientAddress()).isEqualTo("192.0.2.10");
        assertThat(stored.message())
                .startsWith("Received: from client.example ([192.0.2.10])\r\n"
                        + "\tby mx.example.org (dirmail) with ESMTP\r\n"
                        + "\tfor <alice@example.org>;\r\n\t")
                .endsWith("\r\nSubject: hi\r\n\r\nHello.\r\n")
                .containsPattern(";\r\n\t\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\nSubject");
    }

    @Test
    void severalRecipientsAreNotNamedInReceivedAndHeloTextIsSanitised() {
        smtp.expect("220 ").send("HELO evil;\tby (forged) host\u0001").expect("250 ")
                .send("MAIL FROM:<>").expect("250 2.1.0")
                .send("RCPT TO:<alice@example.org>").expect("250 2.1.5")
                .send("RCPT TO:<bob@example.net>").expect("250 2.1.5")
                .send("DATA").expect("354 ")
                .sendRaw("x\r\n.\r\n").expect("250 2.0.0");
        var stored = queue.stored().get(0);
        assertThat(stored.envelope().sender()).isEmpty();
        assertThat(stored.envelope().recipients()).containsExactly("alice@example.org", "bob@example.net");
        assertThat(stored.message()).startsWith("Received: from evil??by??forged??host? ([192.0.2.10])\r\n"
                + "\tby mx.example.org (dirmail) with SMTP;\r\n\t");
    }

    @Test
    void dotStuffingIsUndone() { // RFC 5321 4.5.2
        inData().sendRaw("\r\n..x\r\n...\r\n. \r\n.\r\n").expect("250 2.0.0");
        assertThat(body()).isEqualTo("\r\n.x\r\n..\r\n \r\n");
    }

    @Test
    void dataSplitAcrossSegmentsStillEndsOnlyAtCrLfDotCrLf() {
        inData().sendRaw("a\r").sendRaw("\n.").sendRaw("\r").expectNothing().sendRaw("\n").expect("250 2.0.0");
        assertThat(body()).isEqualTo("a\r\n");
    }

    @Test
    void bareLineFeedDotDoesNotEndDataAndRejectsTheMessage() { // CVE-2023-51764 class
        inData().sendRaw("Subject: a\r\n\r\nbody\n.\r\nMAIL FROM:<smuggled@evil.example>\r\n")
                .expectNothing()
                .sendRaw(".\r\n").expect("550 5.6.0 Message contains bare <CR> or <LF>")
                .send("MAIL FROM:<next@client.example>").expect("250 2.1.0"); // transaction was reset
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void bareCarriageReturnInDataRejectsTheMessage() {
        inData().sendRaw("body\r.\r\n").expectNothing().sendRaw("\r\n.\r\n").expect("550 5.6.0");
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void textLineOver1000OctetsRejectsTheMessageAfterTheEnd() { // RFC 5321 4.5.3.1.6
        inData().sendRaw("x".repeat(998) + "\r\n").sendRaw("y".repeat(999) + "\r\n.\r\n")
                .expect("500 5.5.6 Line too long");
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void lineOfExactly1000OctetsIsAccepted() {
        inData().sendRaw("x".repeat(998) + "\r\n.\r\n").expect("250 2.0.0");
        assertThat(body()).hasSize(1000);
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedAtMail() { // RFC 1870 6.1
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<a@client.example> SIZE=10240001").expect("552 5.3.4")
                .send("MAIL FROM:<a@client.example> SIZE=10240000").expect("250 2.1.0");
    }

    @Test
    void messageOverTheLimitIsReadToTheEndThen552() {
        var settings = TestSettings.defaults().maxMessageSize(100).build();
        smtp.finish();
        smtp = new SmtpTranscript(settings, directory, queue);
        inData().sendRaw(("z".repeat(48) + "\r\n").repeat(2)).expectNothing()
                .sendRaw("z\r\n").expectNothing() // 103 octets: over, but we read on
                .sendRaw(".\r\n").expect("552 5.3.4")
                .send("NOOP").expect("250 2.0.0");
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void hundredReceivedFieldsMeanALoop() { // RFC 5321 6.3
        inData().sendRaw("Received: from a\r\n".repeat(99) + "\r\nReceived: in the body\r\n.\r\n")
                .expect("250 2.0.0");
        smtp.send("MAIL FROM:<a@client.example>").expect("250").send("RCPT TO:<alice@example.org>").expect("250")
                .send("DATA").expect("354")
                .sendRaw("received: from a\r\n\tfolded\r\n".repeat(100) + "\r\n.\r\n")
                .expect("554 5.4.6");
        assertThat(queue.stored()).hasSize(1);
    }

    @Test
    void queueFailureIs451AndResetsTheTransaction() {
        smtp.finish();
        queue = CapturingQueue.failing();
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
        inData().sendRaw("x\r\n.\r\n").expect("451 4.3.0 Error: queue file write error")
                .send("RCPT TO:<alice@example.org>").expect("503 5.5.1");
    }

    @Test
    void connectionLostInsideDataFreesTheMessageBuffer() {
        inData().sendRaw("Subject: unfinished\r\n\r\npartial"); // finish() closes and checks buffers
    }

    @Test
    void eightBitDataIsKeptAsIs() {
        inData().sendBytes(new byte[] {(byte) 0xe9, (byte) 0xff, 0, '\r', '\n', '.', '\r', '\n'}).expect("250");
        assertThat(body()).isEqualTo("\u00e9\u00ff\u0000\r\n");
    }

    private String body() {
        String message = queue.stored().get(0).message();
        int received = message.indexOf("\r\n", message.indexOf("+0000")) + 2;
        return message.substring(received);
    }
}
