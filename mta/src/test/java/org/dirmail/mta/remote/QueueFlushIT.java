package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.dirmail.mta.cli.DirmailCommand;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.TestServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dirmail queue flush} against a running server: a message deferred by its destination
 * (451, remote retries minutes away) leaves as soon as the operator flushes and the destination
 * has recovered, without waiting for the retry schedule.
 */
class QueueFlushIT {

    @TempDir
    Path data;

    private FakeSmtpServer destination;
    private DirmailServer server;

    @BeforeEach
    void start() throws Exception {
        destination = FakeSmtpServer.start();
        destination.rcptReply = rcpt -> "451 4.3.0 disk full, try later";
        server = DirmailServer.start(TestServerConfig.load(data,
                "dns_resolvers=127.0.0.1:9",
                "transport_routes=remote.example:[127.0.0.1]:" + destination.port()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        destination.close();
    }

    @Test
    void flushDeliversADeferredMessageNow() throws Exception {
        assertThat(run("Subject: report\n\nnumbers\n", "sendmail", "-f", "cron@mx.test.example",
                "ops@remote.example")).startsWith("0");
        String listed = awaitOutput("queue", "list", "said: 451 4.3.0 disk full, try later)");
        assertThat(listed).contains("pending  <ops@remote.example>");
        int attempts = destination.sessions.size();

        destination.rcptReply = rcpt -> "250 2.1.5 Ok";
        assertThat(run("", "queue", "flush")).startsWith("0").contains("the server is running")
                .contains("1 message(s) submitted for delivery now");

        awaitOutput("queue", "list", "queue is empty");
        assertThat(destination.sessions).hasSizeGreaterThan(attempts);
        FakeSmtpServer.Session last = destination.sessions.get(destination.sessions.size() - 1);
        assertThat(new String(last.data, StandardCharsets.US_ASCII)).contains("Subject: report\r\n")
                .contains("\r\n\r\nnumbers\r\n");
    }

    private String awaitOutput(String command, String sub, String expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        String out = run("", command, sub);
        while (!out.contains(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            out = run("", command, sub);
        }
        assertThat(out).contains(expected);
        return out;
    }

    /** Runs the CLI in-process; returns "STATUS\nOUT ERR". */
    private String run(String stdin, String... args) throws Exception {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
        try {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new DirmailCommand());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--data-dir", data.toString())).toArray(String[]::new);
            int status = cli.execute(all);
            return status + "\n" + out;
        } finally {
            System.setIn(saved);
        }
    }
}
