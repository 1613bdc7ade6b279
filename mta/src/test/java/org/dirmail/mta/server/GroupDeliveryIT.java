package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail groups through the whole server over real sockets: the sample group sales@, groups added
 * with LDAP while the server runs (dnmember, filtermember, nesting, a cycle), and a members-only
 * group refusing an outsider at RCPT.
 */
class GroupDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PEOPLE = "ou=people,dc=example,dc=com";

    @TempDir
    Path data;

    private DirmailServer server;

    @BeforeEach
    void start() throws Exception {
        server = DirmailServer.start(TestServerConfig.load(data,
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "local_retry_constant=1"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void salesReachesAliceAndBobOnceEachAndNothingIsStoredForTheGroup() throws Exception {
        send("s@client.example", "sales@example.com", "Subject: to sales\r\n\r\nhello team\r\n");

        String alice = only(maildir("example.com/alice"));
        String bob = only(maildir("example.com/bob"));
        assertThat(alice).startsWith("Return-Path: <s@client.example>\nDelivered-To: alice@example.com\n"
                + "Delivered-To: sales@example.com\nPrecedence: bulk\nReceived: from ").contains("hello team");
        assertThat(bob).contains("Delivered-To: bob@example.com\nDelivered-To: sales@example.com\n");
        awaitEmptyQueue();
        assertThat(MaildirProbe.list(maildir("example.com/alice").resolve("new"))).hasSize(1);
        assertThat(MaildirProbe.list(maildir("example.com/bob").resolve("new"))).hasSize(1);
        assertThat(Files.exists(maildir("example.com/sales"))).isFalse();
    }

    @Test
    void nestedGroupsDnAndFilterMembersACycleAndDuplicatesGiveOneCopyEach() throws Exception {
        addGroup("team", "rfc822member: alice@example.com", "rfc822member: sales@example.com",
                "rfc822member: team-b@example.com");
        addGroup("team-b", "dnmember: uid=bob," + PEOPLE, "filtermember: (uid=catchall-example-org)",
                "rfc822member: team@example.com", "rfc822member: ALICE@example.com");

        send("s@client.example", "team@example.com", "Subject: nested\r\n\r\nonce each\r\n");

        assertThat(only(maildir("example.com/alice"))).contains("Delivered-To: team@example.com\n");
        assertThat(only(maildir("example.com/bob"))).contains("once each");
        assertThat(only(maildir("example.org/catchall-example-org"))).contains("Delivered-To: catchall@example.org\n");
        awaitEmptyQueue();
        assertThat(MaildirProbe.list(maildir("example.com/alice").resolve("new"))).hasSize(1);
        assertThat(MaildirProbe.list(maildir("example.com/bob").resolve("new"))).hasSize(1);
    }

    @Test
    void aMembersOnlyGroupRefusesAnOutsiderAtRcptAndTakesAMemberByAlias() throws Exception {
        addGroup("board", "membersonly: TRUE", "dnmember: uid=bob," + PEOPLE, "rfc822member: alice@example.com");

        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            assertThat(smtp.send("MAIL FROM:<outsider@client.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<board@example.com>"))
                    .isEqualTo("550 5.7.1 <board@example.com>: only members may post");
            assertThat(smtp.send("RSET")).startsWith("250");
            assertThat(smtp.send("MAIL FROM:<bob.smith@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<board@example.com>")).startsWith("250 2.1.5");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send("Subject: board\r\n\r\nfrom a member\r\n.")).startsWith("250 2.0.0");
        }
        assertThat(only(maildir("example.com/alice"))).contains("from a member")
                .startsWith("Return-Path: <bob.smith@example.com>\n");
        assertThat(only(maildir("example.com/bob"))).contains("Delivered-To: board@example.com\n");
    }

    private void send(String from, String to, String message) throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
    }

    private void addGroup(String uid, String... lines) throws Exception {
        List<String> ldif = new ArrayList<>(List.of(
                "dn: uid=" + uid + "," + PEOPLE,
                "objectClass: top", "objectClass: account", "objectClass: qmailUser", "objectClass: qmailGroup",
                "uid: " + uid,
                "mail: " + uid + "@example.com",
                "mailAlternateAddress: " + uid + "@example.com",
                "mailMessageStore: example.com/" + uid + "/Maildir/"));
        ldif.addAll(List.of(lines));
        EmbeddedDirectory d = server.embeddedDirectory();
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", d.port(), EmbeddedDirectory.ADMIN_DN,
                d.adminPassword())) {
            admin.add(new Entry(ldif.toArray(String[]::new)));
        }
    }

    // The first message to arrive; the caller checks later that no second one came.
    private static String only(Path maildir) throws Exception {
        List<Path> files = MaildirProbe.awaitMessages(maildir, 1, WAIT);
        assertThat(files).hasSize(1);
        return Files.readString(files.get(0));
    }

    private void awaitEmptyQueue() throws InterruptedException, IOException {
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), Duration.ofSeconds(10))).isEmpty();
    }

    private Path maildir(String userDir) {
        return data.resolve("mail").resolve(userDir).resolve("Maildir");
    }
}
