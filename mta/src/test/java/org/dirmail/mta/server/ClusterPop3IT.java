package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.tls.ClientTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dirmail nodes sharing one directory (node2's embedded one), wired from configuration only:
 * bob's mailHost names node2, a POP3 client logs in on node1 and reads the mail node2 delivered.
 * node2 is called "localhost" because the proxy resolves mailHost through the system resolver and a
 * test cannot add names to it; node2's self-signed certificate is for that name, and node1
 * requires STLS and trusts only that certificate, so the whole TLS path is checked.
 */
class ClusterPop3IT {

    @TempDir
    Path data1;
    @TempDir
    Path data2;

    private final List<DirmailServer> nodes = new ArrayList<>();
    private DirmailServer node1;
    private DirmailServer node2;

    @BeforeEach
    void start() throws Exception {
        node2 = node(data2, "localhost", List.of("embedded_directory_listen=127.0.0.1:0"));
        EmbeddedDirectory directory = node2.embeddedDirectory();
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword())) {
            admin.modify("uid=bob,ou=people," + EmbeddedDirectory.BASE_DN,
                    new Modification(ModificationType.REPLACE, "mailHost", "localhost"));
        }
        node1 = node(data1, "node1.test", List.of(
                "embedded_directory=no",
                "ldap_urls=" + directory.ldapUrl(),
                "ldap_bind_dn=" + EmbeddedDirectory.ADMIN_DN,
                "ldap_bind_password_file=" + directory.adminPasswordFile(),
                "pop3_proxy_port=" + node2.pop3Port(false).orElseThrow(),
                "pop3_proxy_tls=encrypt",
                "pop3_proxy_ca_file=" + data2.resolve("tls/cert.pem")));
    }

    private DirmailServer node(Path data, String hostname, List<String> more) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "data_dir=" + data,
                "hostname=" + hostname,
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "smtp_greeting_delay=0s",
                "submission_listen=",
                "smtps_listen=",
                "pop3_listen=127.0.0.1:0",
                "pop3s_listen=",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "auth_failure_delay=0s"));
        settings.addAll(more);
        DirmailServer node = DirmailServer.start(DirmailConfig.load(null, settings));
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    @Test
    void bobLogsInOnNode1AndReadsAndDeletesTheMailNode2Delivered() throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(node2.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            smtp.send("DATA");
            assertThat(smtp.send("Subject: on node2\r\n\r\nfetched through node1\r\n.")).startsWith("250 2.0.0");
        }
        Path maildir = data2.resolve("mail/example.com/bob/Maildir");
        assertThat(MaildirProbe.awaitMessages(maildir, 1, Duration.ofSeconds(30))).hasSize(1);

        try (Store store = pop3OnNode1().getStore("pop3")) {
            store.connect("bob", "bob-secret");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            Message m = inbox.getMessage(1);
            assertThat(m.getSubject()).isEqualTo("on node2");
            assertThat(new String(m.getInputStream().readAllBytes())).contains("fetched through node1");
            m.setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);
        }
        assertThat(MaildirProbe.list(maildir.resolve("new"))).isEmpty();
        assertThat(MaildirProbe.list(maildir.resolve("cur"))).isEmpty();
        assertThat(data1.resolve("mail/example.com/bob")).doesNotExist();
    }

    /** Angus Mail on node1's POP3 port, STLS required, trusting node1's own self-signed certificate. */
    private Session pop3OnNode1() throws Exception {
        Properties p = new Properties();
        p.put("mail.pop3.host", "127.0.0.1");
        p.put("mail.pop3.port", Integer.toString(node1.pop3Port(false).orElseThrow()));
        p.put("mail.pop3.timeout", "30000");
        p.put("mail.pop3.ssl.socketFactory", ClientTls.trustingPem(data1.resolve("tls/cert.pem")).getSocketFactory());
        p.put("mail.pop3.starttls.enable", "true");
        p.put("mail.pop3.starttls.required", "true");
        return Session.getInstance(p);
    }
}
