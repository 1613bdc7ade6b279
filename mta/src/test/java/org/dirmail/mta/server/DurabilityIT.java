package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "250 means durable": a message acknowledged by a server that is then killed with SIGKILL, or
 * stopped with SIGTERM in the middle of a burst, is delivered (by the next start if need be).
 * The server runs in a child JVM so the signals are real.
 */
class DurabilityIT {

    private static final Pattern READY = Pattern.compile("ready: smtp on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path data;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void acknowledgedMessageSurvivesSigkillAndIsDeliveredAfterRestart() throws Exception {
        // Block alice's mailbox (a file where her domain directory should be), so the message
        // cannot leave the queue before the kill: only the queue can bring it back.
        Path blocker = data.resolve("mail/example.com");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a directory");

        Process first = startServer();
        int port = awaitReady(first);
        String reply;
        try (SmtpTestClient smtp = new SmtpTestClient(port)) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<alice@example.com>")).startsWith("250");
            smtp.send("DATA");
            reply = smtp.send("Subject: durable\r\n\r\nsurvives kill -9\r\n.");
        }
        assertThat(reply).startsWith("250 2.0.0");
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Files.delete(blocker);
        Process second = startServer();
        awaitReady(second);
        List<Path> mail = MaildirProbe.awaitMessages(data.resolve("mail/example.com/alice/Maildir"), 1,
                Duration.ofSeconds(60));
        assertThat(mail).hasSize(1);
        assertThat(Files.readString(mail.get(0))).contains("survives kill -9");
    }

    @Test
    void everyAcknowledgedMessageOfABurstCutBySigtermIsDelivered() throws Exception {
        Process first = startServer();
        int port = awaitReady(first);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch someAcknowledged = new CountDownLatch(10);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String session = "s" + t;
            Thread sender = new Thread(() -> sendUntilRefused(port, session, acknowledged, someAcknowledged));
            sender.start();
            senders.add(sender);
        }
        assertThat(someAcknowledged.await(60, TimeUnit.SECONDS)).isTrue();
        first.destroy(); // SIGTERM, in the middle of the burst
        assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("stops within the grace").isTrue();
        for (Thread sender : senders) {
            sender.join(60_000);
        }

        awaitReady(startServer());
        Path alice = data.resolve("mail/example.com/alice/Maildir");
        List<Path> mail = MaildirProbe.awaitMessages(alice, acknowledged.size(), Duration.ofSeconds(60));
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        for (Path file : mail) {
            Matcher m = Pattern.compile("Subject: (burst-s\\d+-\\d+)").matcher(Files.readString(file));
            if (m.find()) {
                delivered.add(m.group(1));
            }
        }
        assertThat(delivered).as("every 250 was kept").containsAll(acknowledged);
        assertThat(MaildirProbe.list(alice.resolve("tmp"))).as("nothing half-written").isEmpty();
    }

    /** Sends message after message on one session until the server refuses or goes away. */
    private static void sendUntilRefused(int port, String session, Set<String> acknowledged, CountDownLatch progress) {
        try (SmtpTestClient smtp = new SmtpTestClient(port)) {
            smtp.reply();
            smtp.send("EHLO client.example");
            for (int n = 0; ; n++) {
                String subject = "burst-" + session + "-" + n;
                if (!smtp.send("MAIL FROM:<s@client.example>").startsWith("250")
                        || !smtp.send("RCPT TO:<alice@example.com>").startsWith("250")
                        || !smtp.send("DATA").startsWith("354")) {
                    return;
                }
                if (!smtp.send("Subject: " + subject + "\r\n\r\nbody\r\n.").startsWith("250")) {
                    return;
                }
                acknowledged.add(subject);
                progress.countDown();
            }
        } catch (IOException closed) {
            // the server went away: what was acknowledged before counts
        }
    }

    private Process startServer() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.dirmail.mta.cli.DirmailCommand", "run", "--data-dir", data.toString(),
                "-o", "smtp_listen=127.0.0.1:0", "-o", "embedded_directory_listen=127.0.0.1:0",
                "-o", "hostname=mx.test.example", "-o", "local_retry_constant=1",
                "-o", "submission_listen=", "-o", "smtps_listen=", "-o", "pop3_listen=", "-o", "pop3s_listen=",
                "-o", "admin_listen=none", "-o", "smtp_greeting_delay=0s");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    /** Reads the child's log until it says it is ready; returns the SMTP port. */
    private static int awaitReady(Process p) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[child] " + line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new IOException("server exited before it was ready"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return port.get(120, TimeUnit.SECONDS); // generous: a loaded CI machine starts the JVM slowly
    }
}
