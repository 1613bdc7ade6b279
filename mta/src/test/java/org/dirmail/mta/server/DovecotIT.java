package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Quota;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.tls.ClientTls;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP users: dirmail delivers over SMTP into alice's Maildir, then a private Dovecot built from
 * the shipped {@code conf/dovecot/} files serves that Maildir over IMAP, checking logins against
 * the same (embedded) directory. Needs Dovecot and root; see {@link Dovecot#requireInstalled()}.
 */
class DovecotIT {

    private static final long QUOTA_KIB = 10_485_760 / 1024; // alice's mailQuotaSize, in IMAP's units (RFC 9208 5.1)

    @TempDir
    static Path dir;

    // One dirmail and one Dovecot for the class: the tests read alice's mailbox and undo their
    // one directory edit.
    private static DirmailServer server;
    private static Dovecot dovecot;
    private static SSLContext trustOurCertificate;

    @BeforeAll
    static void start() throws Exception {
        Dovecot.requireInstalled();
        // Dovecot's unprivileged processes must reach the Maildirs below this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectories(dir.resolve("dirmail"));
        server = DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s"));
        deliverToAlice("Subject: read me over imap\r\n\r\nhello dovecot\r\n", data);
        EmbeddedDirectory directory = server.embeddedDirectory();
        dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")), data,
                directory.ldapUrl(), EmbeddedDirectory.ADMIN_DN, directory.adminPassword());
        trustOurCertificate = ClientTls.trustingPem(data.resolve("tls/cert.pem"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) {
            dovecot.close();
            System.out.println("dovecot.log:\n" + dovecot.log()); // the report's clue when a login fails
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aliceReadsOverImapWhatDirmailDeliveredWithHerQuota() throws Exception {
        Store store = session(false).getStore("imap");
        store.connect("alice", "alice-secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).as(dovecot.log()).isEqualTo(1);
        Message m = inbox.getMessage(1);
        assertThat(m.getSubject()).isEqualTo("read me over imap");
        assertThat(m.getHeader("Delivered-To")).containsExactly("alice@example.com");
        assertThat(new String(m.getInputStream().readAllBytes())).contains("hello dovecot");

        Quota[] quotas = ((IMAPStore) store).getQuota("INBOX");
        assertThat(quotas).hasSize(1);
        assertThat(quotas[0].resources).anySatisfy(r -> {
            assertThat(r.name).isEqualTo("STORAGE");
            assertThat(r.limit).isEqualTo(QUOTA_KIB);
        });
        inbox.close(false);
        store.close();
    }

    @Test
    void loginByAddressOverImplicitTls() throws Exception {
        Store store = session(true).getStore("imaps");
        store.connect("alice@example.com", "alice-secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        inbox.close(false);
        store.close();
    }

    @Test
    void disabledAccountsAndWrongPasswordsAreRefused() {
        assertRefused("dave", "dave-secret"); // accountStatus: disabled, right password
        assertRefused("alice", "wrong");
    }

    @Test
    void noaccessMayNotLogIn() throws Exception {
        Store store = session(false).getStore("imap");
        store.connect("bob", "bob-secret");
        store.close();
        // Mixed case on purpose: accountStatus matches case-insensitively (qmail-ldap.md 3.2).
        Modification noAccess = new Modification(ModificationType.REPLACE, "accountStatus", "NoAccess");
        try (LDAPConnection admin = admin()) {
            admin.modify("uid=bob,ou=people," + EmbeddedDirectory.BASE_DN, noAccess);
        }
        try {
            assertRefused("bob", "bob-secret");
        } finally {
            try (LDAPConnection admin = admin()) {
                admin.modify("uid=bob,ou=people," + EmbeddedDirectory.BASE_DN,
                        new Modification(ModificationType.DELETE, "accountStatus"));
            }
        }
    }

    private static LDAPConnection admin() throws LDAPException {
        EmbeddedDirectory directory = server.embeddedDirectory();
        return new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN, directory.adminPassword());
    }

    private static void assertRefused(String user, String password) {
        assertThatThrownBy(() -> {
            Store store = session(false).getStore("imap");
            store.connect(user, password);
            store.close();
        }).as("IMAP login of %s", user).isInstanceOf(AuthenticationFailedException.class);
    }

    private static void deliverToAlice(String message, Path data) throws Exception {
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
        // The quota bookkeeping (maildirsize) is written just after the message; Dovecot.start
        // hands the files to Dovecot's user, so it must wait until the delivery is over.
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), Duration.ofSeconds(30))).isEmpty();
    }

    // STARTTLS on the imap port (required: the shipped config refuses plaintext logins), or
    // implicit TLS on imaps; either way only dirmail's own certificate is trusted.
    private static Session session(boolean implicitTls) {
        String protocol = implicitTls ? "imaps" : "imap";
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", Integer.toString(implicitTls ? dovecot.imapsPort() : dovecot.imapPort()));
        p.put("mail." + protocol + ".timeout", "30000");
        p.put("mail." + protocol + ".ssl.socketFactory", trustOurCertificate.getSocketFactory());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        if (!implicitTls) {
            p.put("mail.imap.starttls.enable", "true");
            p.put("mail.imap.starttls.required", "true");
        }
        return Session.getInstance(p);
    }
}
