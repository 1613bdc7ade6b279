package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.tls.ClientTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authenticated submission end to end: a real TLS client (Angus Mail) against the submission and
 * SMTPS listeners, logins checked against the embedded directory's sample users.
 */
class SubmissionIT {

    @TempDir
    Path data;

    private DirmailServer server;
    private SSLContext trustOurCertificate;

    @BeforeEach
    void start() throws Exception {
        server = DirmailServer.start(TestServerConfig.load(data,
                "submission_listen=127.0.0.1:0",
                "smtps_listen=127.0.0.1:0",
                "auth_failure_delay=0s",
                // Relayed mail must never query a real DNS server: nothing answers here.
                "dns_resolvers=127.0.0.1:9",
                "dns_timeout=500ms"));
        trustOurCertificate = ClientTls.trustingPem(data.resolve("tls/cert.pem"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aliceSubmitsWithStartTlsAndAuthByUidOrByAddress() throws Exception {
        send(submission("alice", "alice-secret"), "alice@example.com", "bob@example.com", "by uid");
        send(submission("alice@example.com", "alice-secret"), "alice@example.com", "bob@example.com", "by address");

        List<Path> bobMail = MaildirProbe.awaitMessages(data.resolve("mail/example.com/bob/Maildir"), 2,
                Duration.ofSeconds(30));
        assertThat(bobMail).hasSize(2);
        assertThat(Files.readString(bobMail.get(0))).contains("with ESMTPSA").contains("Return-Path: <alice@example.com>");
    }

    @Test
    void smtpsWithImplicitTls() throws Exception {
        Properties p = baseProperties("smtps", server.smtpPort(SmtpRole.SMTPS).orElseThrow());
        Session session = Session.getInstance(p);
        Transport t = session.getTransport("smtps");
        t.connect("alice", "alice-secret");
        MimeMessage m = message(session, "alice@example.com", "bob@example.com", "over smtps");
        t.sendMessage(m, m.getAllRecipients());
        t.close();
        assertThat(MaildirProbe.awaitMessages(data.resolve("mail/example.com/bob/Maildir"), 1, Duration.ofSeconds(30)))
                .hasSize(1);
    }

    @Test
    void wrongPasswordUnknownUserAndDisabledAccountGetTheSameAnswer() {
        String wrong = authFailure("alice", "not-her-password");
        String unknown = authFailure("nobody", "whatever");
        String disabled = authFailure("dave", "dave-secret");
        assertThat(wrong).contains("535 5.7.8");
        assertThat(unknown).isEqualTo(wrong);
        assertThat(disabled).isEqualTo(wrong);
    }

    @Test
    void aliceMayNotSendAsBob() {
        assertThatThrownBy(() -> send(submission("alice", "alice-secret"), "bob@example.com", "carol@example.com", "x"))
                .isInstanceOf(MessagingException.class)
                .hasStackTraceContaining("553 5.7.1");
    }

    @Test
    void authenticatedRelayIsQueuedAndUnauthenticatedRelayIsRefused() throws Exception {
        send(submission("alice", "alice-secret"), "alice@example.com", "someone@remote.example", "outbound");
        assertThat(MaildirProbe.list(data.resolve("queue/msg"))).as("deferred: no DNS answers here").hasSize(1);

        Session mx = Session.getInstance(baseProperties("smtp", server.smtpPort()));
        assertThatThrownBy(() -> Transport.send(message(mx, "x@client.example", "someone@remote.example", "relay?")))
                .hasStackTraceContaining("554 5.7.1");
    }

    private Session submission(String user, String password) {
        Properties p = baseProperties("smtp", server.smtpPort(SmtpRole.SUBMISSION).orElseThrow());
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.auth", "true");
        return Session.getInstance(p, new jakarta.mail.Authenticator() {
            @Override
            protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                return new jakarta.mail.PasswordAuthentication(user, password);
            }
        });
    }

    private Properties baseProperties(String protocol, int port) {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", Integer.toString(port));
        p.put("mail." + protocol + ".localhost", "client.example");
        p.put("mail." + protocol + ".timeout", "30000");
        p.put("mail." + protocol + ".ssl.socketFactory", trustOurCertificate.getSocketFactory());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        return p;
    }

    private String authFailure(String user, String password) {
        try {
            send(submission(user, password), "alice@example.com", "bob@example.com", "x");
            return "no failure";
        } catch (AuthenticationFailedException e) {
            return e.getMessage();
        } catch (MessagingException e) {
            return "other: " + e;
        }
    }

    private static void send(Session session, String from, String to, String text) throws MessagingException {
        Transport.send(message(session, from, to, text));
    }

    private static MimeMessage message(Session session, String from, String to, String text) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("submission test");
        m.setText(text);
        return m;
    }
}
