package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.dirmail.tls.ClientTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3 end to end: mail delivered through SMTP into alice's Maildir is fetched with a real POP3
 * client (Angus Mail) over STLS and POP3S, logging in against the embedded directory.
 */
class Pop3EndToEndIT {

    @TempDir
    Path data;

    private DirmailServer server;
    private SSLContext trustOurCertificate;

    @BeforeEach
    void start() throws Exception {
        server = DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "pop3_listen=127.0.0.1:0",
                "pop3s_listen=127.0.0.1:0",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "auth_failure_delay=0s"));
        trustOurCertificate = ClientTls.trustingPem(data.resolve("tls/cert.pem"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void mailDeliveredBySmtpIsFetchedAndDeletedOverStls() throws Exception {
        deliverToAlice("Subject: fetch me\r\n\r\nhello pop3\r\n.. a dot-stuffed line\r\n");

        Store store = session("pop3", false).getStore("pop3");
        store.connect("alice", "alice-secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        Message m = inbox.getMessage(1);
        assertThat(m.getSubject()).isEqualTo("fetch me");
        assertThat(new String(m.getInputStream().readAllBytes())).contains("hello pop3").contains(". a dot-stuffed line");
        m.setFlag(Flags.Flag.DELETED, true);
        inbox.close(true); // QUIT: the deletion happens now
        store.close();

        Path maildir = data.resolve("mail/example.com/alice/Maildir");
        assertThat(MaildirProbe.list(maildir.resolve("new"))).isEmpty();
        assertThat(MaildirProbe.list(maildir.resolve("cur"))).isEmpty();
    }

    @Test
    void pop3sWithImplicitTlsAndLoginByAddress() throws Exception {
        deliverToAlice("Subject: over pop3s\r\n\r\nimplicit tls\r\n");
        Store store = session("pop3s", true).getStore("pop3s");
        store.connect("alice@example.com", "alice-secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        inbox.close(false);
        store.close();
    }

    @Test
    void refusedLoginsAreIdenticalAndTheDirectoryOutageIsTemporary() throws Exception {
        String wrong = loginFailure("alice", "wrong");
        assertThat(wrong).contains("[AUTH]");
        assertThat(loginFailure("nobody", "x")).isEqualTo(wrong);
        assertThat(loginFailure("dave", "dave-secret")).isEqualTo(wrong);

        server.embeddedDirectory().close();
        assertThat(loginFailure("alice", "alice-secret")).contains("[SYS/TEMP]");
    }

    private String loginFailure(String user, String password) {
        try {
            Store store = session("pop3", false).getStore("pop3");
            store.connect(user, password);
            store.close();
            return "logged in";
        } catch (AuthenticationFailedException e) {
            return e.getMessage();
        } catch (MessagingException e) {
            return "other: " + e;
        }
    }

    private void deliverToAlice(String message) throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<alice@example.com>")).startsWith("250");
            smtp.send("DATA");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
        assertThat(MaildirProbe.awaitMessages(data.resolve("mail/example.com/alice/Maildir"), 1, Duration.ofSeconds(30)))
                .hasSize(1);
    }

    private Session session(String protocol, boolean implicitTls) {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", Integer.toString(server.pop3Port(implicitTls).orElseThrow()));
        p.put("mail." + protocol + ".timeout", "30000");
        p.put("mail." + protocol + ".ssl.socketFactory", trustOurCertificate.getSocketFactory());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        if (!implicitTls) {
            p.put("mail.pop3.starttls.enable", "true");
            p.put("mail.pop3.starttls.required", "true");
        }
        return Session.getInstance(p);
    }
}
