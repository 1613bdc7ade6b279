package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.dirmail.mta.dns.FakeDnsServer;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.TestServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole outbound path: a message queued by the server for a remote domain (here through a
 * forward, which needs no AUTH) leaves through the scheduler, the MX lookup and the SMTP client,
 * and reaches the destination; a 4xx keeps it queued, a 5xx finishes it.
 */
class RemoteDeliveryIT {

    @TempDir
    Path data;

    private FakeDnsServer dns;
    private FakeSmtpServer destination;
    private DirmailServer server;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        destination = FakeSmtpServer.start();
        dns.mx("remote.example", 10, "mx.remote.example").a("mx.remote.example", "127.0.0.1");
        InetSocketAddress resolver = dns.settings(Duration.ofSeconds(2)).servers().get(0);
        server = DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "relay_networks=127.0.0.1",
                "dns_resolvers=127.0.0.1:" + resolver.getPort(),
                "remote_smtp_port=" + destination.port(),
                "remote_retry_constant=1"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        destination.close();
        dns.close();
    }

    @Test
    void relayedMailReachesTheRemoteMxAndLeavesTheQueue() throws Exception {
        send("someone@remote.example", "Subject: outbound\r\n\r\n..hidden dot\r\nbye\r\n");

        awaitQueueEmpty();
        assertThat(destination.sessions).hasSize(1);
        FakeSmtpServer.Session session = destination.sessions.get(0);
        assertThat(session.commands).anyMatch(c -> c.startsWith("MAIL FROM:<s@client.example>"))
                .anyMatch(c -> c.equals("RCPT TO:<someone@remote.example>"));
        String data = new String(session.data, StandardCharsets.US_ASCII);
        assertThat(data).contains("Subject: outbound").contains("\r\n..hidden dot\r\n");
        assertThat(session.bareLineEnd).isFalse();
    }

    @Test
    void temporaryRefusalKeepsTheMessageAndPermanentRefusalEndsIt() throws Exception {
        destination.rcptReply = rcpt -> rcpt.contains("later") ? "451 4.2.0 try later" : "550 5.1.1 no such user";
        send("later@remote.example", "Subject: a\r\n\r\nx\r\n");
        send("never@remote.example", "Subject: b\r\n\r\ny\r\n");

        Instant deadline = Instant.now().plusSeconds(30);
        while (queued() != 1 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(queued()).as("the 451 stays queued, the 550 is finished").isEqualTo(1);
    }

    private void send(String rcpt, String message) throws Exception {
        try (var smtp = new java.net.Socket("127.0.0.1", server.smtpPort());
             var in = new java.io.BufferedReader(new java.io.InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII));
             var out = smtp.getOutputStream()) {
            in.readLine();
            for (String line : new String[] {"HELO client.example", "MAIL FROM:<s@client.example>", "RCPT TO:<" + rcpt + ">", "DATA"}) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).as(line).matches("[23].*");
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250 2.0.0");
        }
    }

    private long queued() throws Exception {
        try (Stream<Path> files = Files.list(data.resolve("queue/msg"))) {
            return files.count();
        }
    }

    private void awaitQueueEmpty() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (queued() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(queued()).isZero();
    }
}
