package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MX, submission and SMTPS listeners on loopback port 0 with real TLS clients: the JDK's SSLSocket
 * (implicit TLS, and STARTTLS by hand) and Angus Mail, against the real {@code ServerTls} with a
 * self-signed certificate the clients trust explicitly.
 */
class SmtpTlsIT {

    @TempDir
    static Path tlsDir;
    private static TestTls tls;

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpServer mx;
    private SmtpServer submission;
    private SmtpServer smtps;

    @BeforeAll
    static void startTls() throws Exception {
        tls = TestTls.start(tlsDir);
    }

    @AfterAll
    static void stopTls() {
        tls.close();
    }

    @BeforeEach
    void startListeners() throws InterruptedException {
        var settings = TestSettings.defaults().authFailureDelay(Duration.ofMillis(200)).build();
        var services = SmtpTranscript.services(directory, queue, TestAuthenticator.standard(), tls.engines());
        mx = SmtpServer.start(new SmtpListener(SmtpRole.MX, "127.0.0.1", 0), settings, services);
        submission = SmtpServer.start(new SmtpListener(SmtpRole.SUBMISSION, "127.0.0.1", 0), settings, services);
        smtps = SmtpServer.start(new SmtpListener(SmtpRole.SMTPS, "127.0.0.1", 0), settings, services);
    }

    @AfterEach
    void stopListeners() {
        mx.close();
        submission.close();
        smtps.close();
    }

    private static String plain(String login, String password) {
        return "AUTH PLAIN " + Base64.getEncoder()
                .encodeToString(("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Connects to {@code port}, says EHLO, STARTTLS, upgrades and says EHLO again. */
    private static SmtpSocketClient startTls(int port) throws Exception {
        var client = SmtpSocketClient.connect(port);
        assertThat(client.reply()).startsWith("220 ");
        assertThat(client.command("EHLO client.example")).contains("250-STARTTLS");
        assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
        client.upgrade(tls.clientContext());
        assertThat(client.command("EHLO client.example")).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        return client;
    }

    @Test
    void smtpsWithTheJdkSslSocket() throws Exception {
        try (var client = SmtpSocketClient.connectTls(smtps.port(), tls.clientContext())) {
            assertThat(client.reply()).isEqualTo("220 mx.example.org ESMTP dirmail");
            assertThat(client.command("EHLO client.example")).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(client.command("MAIL FROM:<alice@example.org>")).startsWith("530 5.7.0 Authentication required");
            assertThat(client.command(plain("alice", "secret"))).startsWith("235 2.7.0");
            assertThat(client.command("MAIL FROM:<alice@example.org>")).startsWith("250 2.1.0");
            assertThat(client.command("RCPT TO:<friend@elsewhere.example>")).startsWith("250 2.1.5");
            assertThat(client.command("DATA")).startsWith("354 ");
            assertThat(client.command("Subject: smtps\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as");
        }
        assertThat(queue.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.envelope().recipients()).containsExactly("friend@elsewhere.example");
            assertThat(stored.message()).contains("with ESMTPSA");
        });
    }

    @Test
    void startTlsByHandOnMxOffersAuthOnlyAfterTheHandshake() throws Exception {
        try (var client = SmtpSocketClient.connect(mx.port())) {
            assertThat(client.reply()).startsWith("220 ");
            assertThat(client.command("EHLO client.example")).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(client.command(plain("alice", "secret"))).startsWith("530 5.7.0 Must issue a STARTTLS");
            assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            client.upgrade(tls.clientContext());
            assertThat(client.command("MAIL FROM:<a@client.example>")).startsWith("503 5.5.1"); // reset: EHLO again
            assertThat(client.command("EHLO client.example")).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(client.command("STARTTLS")).startsWith("503 5.5.1");
            assertThat(client.command(plain("alice", "secret"))).startsWith("235 2.7.0");
        }
    }

    @Test
    void aCommandInTheSameWriteAsStartTlsIsNotAnsweredInClear() throws Exception {
        try (var client = SmtpSocketClient.connect(mx.port())) {
            client.reply();
            client.command("EHLO client.example");
            assertThat(client.command("STARTTLS\r\nRSET")).isEqualTo("554 5.5.0 Protocol error: data sent after STARTTLS");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN"})
    void angusMailSubmitsWithStartTlsRequiredAndAuth(String mechanism) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(submission.port()));
        props.put("mail.smtp.localhost", "client.example");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", tls.clientContext().getSocketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", mechanism);
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom("alice@example.org");
        message.setRecipients(Message.RecipientType.TO, "friend@elsewhere.example, alice@example.org");
        message.setSubject("via " + mechanism);
        message.setText("Hello over submission.\r\n");

        Transport.send(message, "alice", "secret");

        assertThat(queue.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.envelope().sender()).isEqualTo("alice@example.org");
            assertThat(stored.envelope().recipients()).containsExactly("friend@elsewhere.example", "alice@example.org");
            assertThat(stored.message()).contains("with ESMTPSA", "Subject: via " + mechanism);
        });
        assertThatThrownBy(() -> Transport.send(message, "alice", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void relayTricksAreRefusedWithoutAuthAndTheRealThingIsAllowedWithIt() throws Exception {
        try (var client = SmtpSocketClient.connect(mx.port())) {
            client.reply();
            client.command("EHLO client.example");
            assertThat(client.command("MAIL FROM:<x@client.example>")).startsWith("250");
            for (String trick : new String[] {"friend@elsewhere.example", "friend%elsewhere.example@example.org",
                "elsewhere.example!friend@example.org", "\"friend@elsewhere.example\"@example.org",
                "@example.org:friend@elsewhere.example", "friend@[192.0.2.1]", "friend@example.org."}) {
                assertThat(client.command("RCPT TO:<" + trick + ">")).as(trick).matches("(554 5\\.7\\.1|550 5\\.1\\.1|501 5\\.1\\.3) .*");
            }
            assertThat(client.command("DATA")).startsWith("554 5.5.1");
        }
        try (var client = startTls(mx.port())) {
            assertThat(client.command(plain("alice", "secret"))).startsWith("235");
            assertThat(client.command("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(client.command("RCPT TO:<friend@elsewhere.example>")).startsWith("250 2.1.5");
            assertThat(client.command("DATA")).startsWith("354");
            assertThat(client.command("Subject: relayed\r\n\r\nhi\r\n.")).startsWith("250 2.0.0");
        }
        assertThat(queue.stored()).singleElement()
                .satisfies(stored -> assertThat(stored.envelope().recipients()).containsExactly("friend@elsewhere.example"));
    }

    @Test
    void aliceMayNotSendAsBob() throws Exception {
        try (var client = startTls(submission.port())) {
            assertThat(client.command(plain("alice", "secret"))).startsWith("235");
            assertThat(client.command("MAIL FROM:<bob@example.org>"))
                    .isEqualTo("553 5.7.1 <bob@example.org>: Sender address rejected: not owned by user alice");
        }
    }

    @Test
    void bruteForceIsSlowedThenCutOff() throws Exception { // the test throttle: 3 failures per 15 minutes
        try (var client = startTls(submission.port())) {
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(client.command(plain("alice", "guess" + i))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(client.command(plain("alice", "secret"))).isEqualTo("421 4.7.0 Too many failed authentications");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\n", "\r\n.\r"})
    void smugglingOverTcpNeverEndsDataEarly(String ending) throws Exception {
        try (var client = SmtpSocketClient.connect(mx.port())) {
            client.reply();
            client.command("EHLO client.example");
            client.send("MAIL FROM:<s@client.example>\r\nRCPT TO:<alice@example.org>\r\nDATA");
            assertThat(client.reply()).startsWith("250");
            assertThat(client.reply()).startsWith("250");
            assertThat(client.reply()).startsWith("354");
            client.send("Subject: real\r\n\r\nbody" + ending
                    + "MAIL FROM:<smuggled@evil.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nforged\r\n.");
            assertThat(client.reply()).startsWith("550 5.6.0");
            assertThat(client.command("NOOP")).startsWith("250 2.0.0"); // the smuggled commands were never run
        }
        assertThat(queue.stored()).isEmpty();
    }
}
