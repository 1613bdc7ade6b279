package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirmail.mta.dns.FakeDnsServer;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.TestServerConfig;
import org.dirmail.mta.server.SmtpTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The shipped production logging (conf/logback.xml) writes a maillog that pflogsumm reads as a
 * Postfix log: real traffic through a real server, then pflogsumm's own Grand Totals are checked.
 * Skipped only where pflogsumm is missing and CI is not set.
 */
class PflogsummIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path PRODUCTION_LOGBACK = Path.of("..", "conf", "logback.xml");

    @TempDir
    Path data;
    @TempDir
    Path logDir;

    private FakeDnsServer dns;
    private FakeSmtpServer destination;
    private DirmailServer server;
    private Appender<?> maillog;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(pflogsumm() != null || System.getenv("CI") != null,
                "pflogsumm is not installed (apt-get install pflogsumm); CI would fail here instead");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.putProperty("DIRMAIL_LOG_DIR", logDir.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context); // adds MAILLOG to what runs already; no reset
        configurator.doConfigure(PRODUCTION_LOGBACK.toFile());
        maillog = root().getAppender("MAILLOG");
        assertThat(maillog).as("conf/logback.xml defines MAILLOG").isNotNull();

        dns = FakeDnsServer.start();
        destination = FakeSmtpServer.start();
        dns.mx("remote.example", 10, "mx.remote.example").a("mx.remote.example", "127.0.0.1");
        destination.rcptReply = rcpt -> rcpt.contains("bad") ? "550 5.1.1 no such user"
                : rcpt.contains("slow") ? "451 4.2.0 try later" : "250 2.1.5 Ok";
        InetSocketAddress resolver = dns.settings(Duration.ofSeconds(2)).servers().get(0);
        server = DirmailServer.start(TestServerConfig.load(data,
                "smtp_greeting_delay=0s",
                "relay_networks=127.0.0.1",
                "dns_resolvers=127.0.0.1:" + resolver.getPort(),
                "remote_smtp_port=" + destination.port()));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (destination != null) {
            destination.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (maillog != null) {
            root().detachAppender("MAILLOG");
            maillog.stop();
        }
    }

    @Test
    void pflogsummCountsReceivedDeliveredDeferredBouncedAndRejected() throws Exception {
        try (SmtpTestClient smtp = connect(server.smtpPort())) {
            expect(smtp, "EHLO client.example", "250");
            transaction(smtp, "s@client.example", List.of("alice@example.com"));
            expect(smtp, "MAIL FROM:<s@client.example>", "250");
            expect(smtp, "RCPT TO:<alice@example.com>", "250");
            expect(smtp, "RCPT TO:<nobody@example.com>", "550 5.1.1");
            expect(smtp, "RCPT TO:<bob@example.com>", "250");
            expect(smtp, "DATA", "354");
            expect(smtp, "Subject: two of us\r\n\r\nhello\r\n.", "250 2.0.0");
            transaction(smtp, "alice@example.com", List.of("bad@remote.example"));
            transaction(smtp, "alice@example.com", List.of("slow@remote.example"));
            expect(smtp, "QUIT", "221");
        }
        Path file = logDir.resolve("maillog");
        // the DSN for bad@ reaches alice: four local deliveries in all
        await(() -> count(file, "status=sent") == 4 && count(file, "status=bounced") == 1
                && count(file, "status=deferred") >= 1 && count(file, "disconnect from") == 1);

        String summary = run(pflogsumm(), "--syslog-name=dirmail", file.toString());
        assertThat(total(summary, "received")).as(summary).isEqualTo(4);
        assertThat(total(summary, "delivered")).as(summary).isEqualTo(4);
        assertThat(total(summary, "deferred")).as(summary).isEqualTo(1);
        assertThat(total(summary, "bounced")).as(summary).isEqualTo(1);
        assertThat(total(summary, "rejected")).as(summary).isEqualTo(1);
        assertThat(total(summary, "senders")).as(summary).isEqualTo(2);
        assertThat(total(summary, "recipients")).as(summary).isEqualTo(2); // alice and bob got mail
        assertThat(total(summary, "bytes received")).as(summary).isGreaterThan(200);
        assertThat(summary).contains("nobody@example.com");
    }

    private static void transaction(SmtpTestClient smtp, String from, List<String> to) throws Exception {
        expect(smtp, "MAIL FROM:<" + from + ">", "250");
        for (String rcpt : to) {
            expect(smtp, "RCPT TO:<" + rcpt + ">", "250");
        }
        expect(smtp, "DATA", "354");
        expect(smtp, "Subject: to " + to + "\r\n\r\nhello\r\n.", "250 2.0.0");
    }

    /** A number from pflogsumm's "Grand Totals", e.g. {@code "      4   delivered"}. */
    private static long total(String summary, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)[kmb]?\\s+" + Pattern.quote(label) + "\\b").matcher(summary);
        assertThat(m.find()).as("%s in the summary:%n%s", label, summary).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String pflogsumm() {
        for (String candidate : List.of("/usr/sbin/pflogsumm", "/usr/bin/pflogsumm")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return System.getenv("CI") != null ? "pflogsumm" : null; // in CI: from PATH, or fail
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static long count(Path file, String text) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The project's line-level client, past the greeting. */
    private static SmtpTestClient connect(int port) throws Exception {
        SmtpTestClient smtp = new SmtpTestClient(port);
        assertThat(smtp.reply()).startsWith("220");
        return smtp;
    }

    /** Sends {@code line} and checks how its reply starts. */
    private static void expect(SmtpTestClient smtp, String line, String replyStart) throws Exception {
        assertThat(smtp.send(line)).as("reply to %s", line).startsWith(replyStart);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition met within %s", WAIT).isTrue();
    }
}
