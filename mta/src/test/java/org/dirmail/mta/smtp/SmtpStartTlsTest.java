package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslHandler;
import org.dirmail.mta.net.RenegotiationGuard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 3207 STARTTLS, RFC 8314 implicit TLS and the submission rules, with real TLS shuttled in memory. */
class SmtpStartTlsTest {

    @TempDir
    static Path tlsDir;
    private static TestTls tls;

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    @BeforeAll
    static void startTls() throws Exception {
        tls = TestTls.start(tlsDir);
    }

    @AfterAll
    static void stopTls() {
        tls.close();
    }

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript connect(SmtpRole role, SmtpSettings settings) {
        smtp = new SmtpTranscript(role, settings,
                SmtpTranscript.services(directory, queue, TestAuthenticator.standard(), tls.engines()));
        return smtp;
    }

    static String plain(String login, String password) {
        return Base64.getEncoder().encodeToString(("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mxOffersStartTlsInClearButNotAuth() {
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example");
        assertThat(smtp.nextReply()).isEqualTo(String.join("\r\n",
                "250-mx.example.org", "250-PIPELINING", "250-SIZE 10240000", "250-8BITMIME",
                "250-STARTTLS", "250 ENHANCEDSTATUSCODES"));
        smtp.send("AUTH PLAIN " + plain("alice", "secret")).expect("530 5.7.0 Must issue a STARTTLS command first");
    }

    @Test
    void afterTheHandshakeEhloOffersAuthAndNoLongerStartTls() {
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example").expect("250-")
                .send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
        assertThat(smtp.channel().pipeline().get(SslHandler.class)).isNotNull();
        assertThat(smtp.channel().pipeline().first()).isInstanceOf(RenegotiationGuard.class);
        smtp.handshake(tls.clientContext())
                .send("MAIL FROM:<a@client.example>").expect("503 5.5.1 Error: send HELO/EHLO first")
                .send("EHLO client.example");
        assertThat(smtp.nextReply()).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        smtp.send("STARTTLS").expect("503 5.5.1 Error: TLS already active")
                .send("AUTH PLAIN " + plain("alice", "secret")).expect("235 2.7.0 Authentication successful");
    }

    @Test
    void theHandshakeForgetsHeloTransactionAndLogin() {
        var settings = TestSettings.defaults().allowPlaintextAuth(true).build();
        connect(SmtpRole.MX, settings).expect("220 ").send("EHLO client.example").expect("250-")
                .send("AUTH PLAIN " + plain("alice", "secret")).expect("235 ")
                .send("STARTTLS").expect("220 2.0.0")
                .handshake(tls.clientContext())
                .send("RCPT TO:<alice@example.org>").expect("503 5.5.1")
                .send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<alice@example.org>").expect("250 2.1.0")
                .send("RCPT TO:<someone@elsewhere.example>").expect("554 5.7.1"); // the login did not survive
    }

    @Test
    void startTlsSyntaxAndSequence() {
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ")
                .send("STARTTLS").expect("503 5.5.1 Error: send HELO/EHLO first")
                .send("EHLO client.example").expect("250-")
                .send("STARTTLS now").expect("501 5.5.4")
                .send("MAIL FROM:<a@client.example>").expect("250")
                .send("STARTTLS").expect("503 5.5.1 Error: MAIL transaction in progress");
    }

    @Test
    void withoutTlsStartTlsIsNeitherOfferedNorImplemented() {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
        smtp.expect("220 ").send("EHLO client.example");
        assertThat(smtp.nextReply()).doesNotContain("STARTTLS");
        smtp.send("STARTTLS").expect("502 5.5.1");
    }

    @Test
    void aCommandPipelinedAfterStartTlsIsNeverAnsweredAndTheClientIsRefused() { // CVE-2011-0411
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example").expect("250-")
                .sendRaw("STARTTLS\r\nRSET\r\n")
                .expect("554 5.5.0 Protocol error: data sent after STARTTLS").expectNothing().expectClosed();
        assertThat(smtp.channel().pipeline().get(SslHandler.class)).isNull();
    }

    @Test
    void aPartialLineAfterStartTlsIsRefusedToo() {
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example").expect("250-")
                .sendRaw("STARTTLS\r\nMAIL FR").expect("554 5.5.0").expectClosed();
    }

    @Test
    void plaintextInsteadOfAClientHelloEndsTheConnectionWithoutAReply() {
        connect(SmtpRole.MX, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example").expect("250-")
                .send("STARTTLS").expect("220 2.0.0")
                .send("EHLO still.in.clear").expectClosed();
    }

    @Test
    void submissionNeedsTlsThenAuthThenRelaysForTheUser() {
        connect(SmtpRole.SUBMISSION, SmtpTranscript.settings()).expect("220 ").send("EHLO client.example");
        assertThat(smtp.nextReply()).contains("STARTTLS").doesNotContain("AUTH");
        smtp.send("MAIL FROM:<alice@example.org>").expect("530 5.7.0 Must issue a STARTTLS command first")
                .send("AUTH PLAIN " + plain("alice", "secret")).expect("530 5.7.0 Must issue a STARTTLS command first")
                .send("STARTTLS").expect("220 ").handshake(tls.clientContext())
                .send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<alice@example.org>").expect("530 5.7.0 Authentication required")
                .send("AUTH PLAIN " + plain("alice", "secret")).expect("235 2.7.0")
                .send("MAIL FROM:<alice@example.org>").expect("250 2.1.0")
                .send("RCPT TO:<friend@elsewhere.example>").expect("250 2.1.5")
                .send("DATA").expect("354 ")
                .sendRaw("Subject: out\r\n\r\nhi\r\n.\r\n").expect("250 2.0.0 Ok: queued as");
        assertThat(queue.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.envelope().recipients()).containsExactly("friend@elsewhere.example");
            assertThat(stored.message()).contains("with ESMTPSA");
        });
        assertThat(directory.asked()).isEmpty();
    }

    @Test
    void smtpsGreetsOnlyAfterTheHandshake() {
        connect(SmtpRole.SMTPS, SmtpTranscript.settings());
        assertThat(smtp.channel().pipeline().get(SslHandler.class)).isNotNull();
        assertThat(smtp.channel().pipeline().first()).isInstanceOf(RenegotiationGuard.class);
        smtp.expectNothing().handshake(tls.clientContext()).expect("220 mx.example.org ESMTP dirmail")
                .send("EHLO client.example");
        assertThat(smtp.nextReply()).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        smtp.send("STARTTLS").expect("503 5.5.1")
                .send("MAIL FROM:<alice@example.org>").expect("530 5.7.0 Authentication required");
    }

    @Test
    void submissionAndSmtpsListenersNeedTls() {
        var services = SmtpTranscript.services(directory, queue, TestAuthenticator.standard(), Optional.empty());
        assertThatThrownBy(() -> new SmtpServerInitializer(SmtpRole.SUBMISSION, SmtpTranscript.settings(), services))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpServerInitializer(SmtpRole.SMTPS, SmtpTranscript.settings(), services))
                .isInstanceOf(IllegalArgumentException.class);
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue); // for leakCheck
        smtp.expect("220 ");
    }
}
