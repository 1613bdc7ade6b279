package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.TestServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deliveryMode reply end to end: bob's entry is switched to reply over LDAP, mail from a remote
 * sender is stored in his Maildir and answered once, through the queue and the SMTP client, to a
 * fake remote server; a second message, a bounce and bulk mail get no answer, and the memory
 * survives a restart.
 */
class AutoReplyIT {

    private static final String BOB_DN = "uid=bob,ou=people," + EmbeddedDirectory.BASE_DN;

    @TempDir
    Path data;

    private FakeSmtpServer remote;
    private DirmailServer server;

    @BeforeEach
    void start() throws Exception {
        remote = FakeSmtpServer.start();
        server = startServer();
        makeBobReply();
    }

    private void makeBobReply() throws Exception {
        try (LDAPConnection admin = admin()) {
            admin.modify(BOB_DN,
                    new Modification(ModificationType.REPLACE, "deliveryMode", "reply"),
                    new Modification(ModificationType.REPLACE, "mailReplyText", "I am away until Monday.\n\u00c0 bient\u00f4t"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        remote.close();
    }

    @Test
    void firstMessageIsAnsweredOnceThenNotWithinTheIntervalNorAfterARestart() throws Exception {
        send("s@remote.example", "Subject: Lunch?\r\nMessage-ID: <lunch-1@remote.example>\r\n\r\nShall we?\r\n");
        awaitStored(1);
        awaitQueueEmpty();

        assertThat(remote.sessions).hasSize(1);
        FakeSmtpServer.Session reply = remote.sessions.get(0);
        assertThat(reply.commands).anyMatch(c -> c.startsWith("MAIL FROM:<> ") || c.equals("MAIL FROM:<>"))
                .contains("RCPT TO:<s@remote.example>");
        String text = new String(reply.data, StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\nFrom: <bob@example.com>\r\n", "\r\nTo: <s@remote.example>\r\n",
                "\r\nSubject: [Auto-Reply] Lunch?\r\n", "\r\nAuto-Submitted: auto-replied\r\n",
                "\r\nIn-Reply-To: <lunch-1@remote.example>\r\n", "\r\nReferences: <lunch-1@remote.example>\r\n",
                "\r\nContent-Type: text/plain; charset=UTF-8\r\n", "\r\nMessage-ID: <", "\r\nDate: ");
        assertThat(storedMessages().get(0)).contains("Shall we?");

        send("s@remote.example", "Subject: Lunch again?\r\n\r\nHello?\r\n");
        awaitStored(2);
        awaitQueueEmpty();
        assertThat(remote.sessions).as("one reply per sender within autoreply_interval").hasSize(1);

        server.close();
        server = startServer();
        makeBobReply(); // whether or not the directory kept it: the reply mode is certainly on
        send("s@remote.example", "Subject: after the restart\r\n\r\nStill away?\r\n");
        awaitStored(3);
        awaitQueueEmpty();
        assertThat(remote.sessions).as("the memory survives a restart").hasSize(1);
    }

    @Test
    void bouncesAndBulkMailAreStoredButNotAnswered() throws Exception {
        send("", "Subject: Undeliverable\r\n\r\nbounce\r\n");
        send("news@remote.example", "Subject: News\r\nPrecedence: bulk\r\n\r\nnews\r\n");
        send("list@remote.example", "Subject: [list] hi\r\nList-Id: <list.remote.example>\r\n\r\nlist\r\n");
        awaitStored(3);
        awaitQueueEmpty();

        assertThat(remote.sessions).isEmpty();
    }

    private DirmailServer startServer() throws Exception {
        return DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "dns_resolvers=127.0.0.1:9",
                "transport_routes=remote.example:[127.0.0.1]:" + remote.port()));
    }

    private LDAPConnection admin() throws Exception {
        EmbeddedDirectory directory = server.embeddedDirectory();
        return new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN, directory.adminPassword());
    }

    private void send(String sender, String message) throws IOException {
        try (Socket smtp = new Socket("127.0.0.1", server.smtpPort());
             BufferedReader in = new BufferedReader(new InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII));
             OutputStream out = smtp.getOutputStream()) {
            in.readLine();
            for (String line : new String[] {"HELO client.example", "MAIL FROM:<" + sender + ">",
                "RCPT TO:<bob@example.com>", "DATA"}) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).as(line).matches("[23].*");
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250 2.0.0");
        }
    }

    private List<String> storedMessages() throws IOException {
        Path fresh = data.resolve("mail/example.com/bob/Maildir/new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private void awaitStored(int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (storedMessages().size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(storedMessages()).hasSize(count);
    }

    // A reply is queued before the copy is stored, so once the copy is there, an empty queue means
    // every reply has been sent.
    private void awaitQueueEmpty() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (queued() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(queued()).isZero();
    }

    private long queued() throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("queue/msg"))) {
            return files.count();
        }
    }
}
