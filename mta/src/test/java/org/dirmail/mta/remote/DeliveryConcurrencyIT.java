package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.dirmail.mta.dns.FakeDnsServer;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.TestServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with a destination that stalls before its greeting: it never gets more than
 * {@code remote_domain_concurrency} connections at once, and local mail queued behind its messages
 * is delivered while they wait.
 */
class DeliveryConcurrencyIT {

    @TempDir
    Path data;

    private FakeDnsServer dns;
    private FakeSmtpServer slow;
    private DirmailServer server;
    private final CountDownLatch stall = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        slow = FakeSmtpServer.start();
        slow.stall = stall;
        dns.mx("slow.example", 10, "mx.slow.example").a("mx.slow.example", "127.0.0.1");
        InetSocketAddress resolver = dns.settings(Duration.ofSeconds(2)).servers().get(0);
        server = DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "relay_networks=127.0.0.1",
                "dns_resolvers=127.0.0.1:" + resolver.getPort(),
                "remote_smtp_port=" + slow.port(),
                "remote_domain_concurrency=2"));
    }

    @AfterEach
    void stop() throws Exception {
        stall.countDown();
        server.close();
        slow.close();
        dns.close();
    }

    @Test
    void aStalledDestinationGetsItsLimitOfConnectionsAndLocalMailStillArrives() throws Exception {
        for (int i = 0; i < 5; i++) {
            send("user" + i + "@slow.example");
        }
        await(() -> slow.open.get() == 2, "two sessions open at the stalled destination");

        send("alice@example.com");
        await(() -> maildirFiles("example.com/alice") == 1, "alice's message in her Maildir");
        Thread.sleep(300); // time enough for a third connection, were one allowed
        assertThat(slow.open.get()).isEqualTo(2);
        assertThat(slow.sessions).hasSize(2);

        stall.countDown();
        await(() -> queued() == 0, "the stalled messages delivered once it answers");
        assertThat(slow.sessions).hasSize(5);
        assertThat(slow.mostOpen.get()).as("never above remote_domain_concurrency").isEqualTo(2);
    }

    private void send(String rcpt) throws Exception {
        try (var smtp = new java.net.Socket("127.0.0.1", server.smtpPort());
             var in = new java.io.BufferedReader(new java.io.InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII));
             var out = smtp.getOutputStream()) {
            in.readLine();
            for (String line : new String[] {"HELO client.example", "MAIL FROM:<s@client.example>", "RCPT TO:<" + rcpt + ">", "DATA"}) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).as(line).matches("[23].*");
            }
            out.write("Subject: concurrency\r\n\r\nhello\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250 2.0.0");
        }
    }

    private long queued() throws Exception {
        try (Stream<Path> files = Files.list(data.resolve("queue/msg"))) {
            return files.count();
        }
    }

    private long maildirFiles(String user) throws Exception {
        Path dir = data.resolve("mail").resolve(user).resolve("Maildir/new");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    /** Waits for what the server does on its own threads. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}
