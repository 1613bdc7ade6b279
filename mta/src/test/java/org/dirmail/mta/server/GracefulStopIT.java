package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server while clients send: idle sessions get 421 at once, a session in the middle
 * of DATA finishes and gets its 250 before the 421, every message that got 250 is delivered (after
 * a restart if it was still queued), and nothing is left half-written in a Maildir's tmp/.
 */
class GracefulStopIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SESSIONS = 4;
    private static final int PER_SESSION = 10;

    @TempDir
    Path data;

    private DirmailServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStopLetsTheMessageInDataFinishAndLosesNothingThatGot250() throws Exception {
        server = start("30s");
        int port = server.smtpPort();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch someSent = new CountDownLatch(5);
        List<Thread> burst = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            int session = s;
            burst.add(started(() -> sendBurst(port, session, acknowledged, someSent)));
        }
        SmtpTestClient idle = greeted(port);
        SmtpTestClient midData = greeted(port);
        assertThat(midData.send("MAIL FROM:<s@client.example>")).startsWith("250");
        assertThat(midData.send("RCPT TO:<alice@example.com>")).startsWith("250");
        assertThat(midData.send("DATA")).startsWith("354");
        midData.write("Subject: mid-data\r\n\r\nfirst half\r\n");
        assertThat(someSent.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Instant stopAt = Instant.now();
        Thread stopping = started(server::close);
        assertThat(idle.reply()).as("an idle session is told at once").startsWith("421 4.3.2");
        assertThatThrownBy(() -> new SmtpTestClient(port).close()).isInstanceOf(ConnectException.class);
        midData.write("second half\r\n.\r\n");
        assertThat(midData.reply()).as("the transaction in progress completes").startsWith("250 2.0.0");
        assertThat(midData.reply()).startsWith("421 4.3.2");
        acknowledged.add("mid-data");
        for (Thread t : burst) {
            t.join(WAIT.toMillis());
        }
        stopping.join(WAIT.toMillis());
        assertThat(stopping.isAlive()).isFalse();
        assertThat(Duration.between(stopAt, Instant.now())).as("no wait for the whole grace once all are done")
                .isLessThan(Duration.ofSeconds(25));
        idle.close();
        midData.close();
        server = null;

        server = start("30s"); // what was still queued is delivered now
        Path alice = data.resolve("mail/example.com/alice/Maildir");
        Instant deadline = Instant.now().plus(WAIT);
        while (!subjects(alice).containsAll(acknowledged) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(subjects(alice)).containsAll(acknowledged);
        assertThat(acknowledged.size()).isGreaterThan(5);
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), WAIT)).isEmpty();
        assertThat(MaildirProbe.list(alice.resolve("tmp"))).as("nothing half-written").isEmpty();
    }

    @Test
    void aTransactionThatDoesNotFinishWithinTheGraceGets421() throws Exception {
        server = start("1s");
        SmtpTestClient stuck = greeted(server.smtpPort());
        assertThat(stuck.send("MAIL FROM:<s@client.example>")).startsWith("250");
        assertThat(stuck.send("RCPT TO:<alice@example.com>")).startsWith("250");
        Instant stopAt = Instant.now();
        Thread stopping = started(server::close);
        assertThat(stuck.reply()).startsWith("421 4.3.2");
        assertThat(Duration.between(stopAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        stopping.join(WAIT.toMillis());
        assertThat(stopping.isAlive()).isFalse();
        stuck.close();
        server = null;
    }

    private DirmailServer start(String grace) throws Exception {
        return DirmailServer.start(DirmailConfig.load(null, List.of(
                "data_dir=" + data,
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "smtp_greeting_delay=0s",
                "submission_listen=", "smtps_listen=", "pop3_listen=", "pop3s_listen=",
                "embedded_directory_listen=127.0.0.1:0",
                "shutdown_grace=" + grace)));
    }

    private static Thread started(Runnable task) {
        Thread thread = new Thread(task);
        thread.start();
        return thread;
    }

    private static SmtpTestClient greeted(int port) throws IOException {
        SmtpTestClient client = new SmtpTestClient(port);
        assertThat(client.reply()).startsWith("220");
        assertThat(client.send("EHLO client.example")).startsWith("250");
        return client;
    }

    /** Sends until done or until the server says 421; records each message that got 250. */
    private static void sendBurst(int port, int session, Set<String> acknowledged, CountDownLatch sent) {
        try (SmtpTestClient client = greeted(port)) {
            for (int i = 0; i < PER_SESSION; i++) {
                String subject = "burst-" + session + "-" + i;
                if (!client.send("MAIL FROM:<s@client.example>").startsWith("250")
                        || !client.send("RCPT TO:<alice@example.com>").startsWith("250")
                        || !client.send("DATA").startsWith("354")) {
                    return;
                }
                if (!client.send("Subject: " + subject + "\r\n\r\nburst\r\n.").startsWith("250 2.0.0")) {
                    return;
                }
                acknowledged.add(subject);
                sent.countDown();
            }
        } catch (IOException e) {
            // the server closed the connection: messages without a 250 are the client's to retry
        }
    }

    private static Set<String> subjects(Path maildir) throws IOException {
        Set<String> found = ConcurrentHashMap.newKeySet();
        for (Path file : MaildirProbe.list(maildir.resolve("new"))) {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Subject: ")) {
                    found.add(line.substring("Subject: ".length()));
                }
            }
        }
        return found;
    }
}
