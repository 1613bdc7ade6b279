package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dirmail.mta.cli.DirmailCommand;
import org.dirmail.mta.config.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Reload on a whole server started from a configuration file: the file is edited, the server
 * reloads, and new sessions, old sessions and the old port are checked over real sockets.
 */
class ReloadIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private Path file;
    private DirmailServer server;

    @BeforeEach
    void start() throws Exception {
        file = data.resolve("dirmail.conf");
        writeConfig("smtp_listen = 127.0.0.1:0");
        server = DirmailServer.start(new ConfigSource(Optional.of(file), List.of()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void movedListenerAnswersOnTheNewPortWhileASessionOnTheOldOneCompletes() throws Exception {
        int oldPort = server.smtpPort();
        try (SmtpTestClient before = new SmtpTestClient(oldPort)) {
            assertThat(before.reply()).startsWith("220 ");
            assertThat(before.send("EHLO client.example")).startsWith("250 ");
            assertThat(before.send("MAIL FROM:<sender@client.example>")).startsWith("250 ");
            assertThat(before.send("RCPT TO:<alice@example.com>")).startsWith("250 ");

            int newPort = freePort();
            writeConfig("smtp_listen = 127.0.0.1:" + newPort);
            ReloadResult result = server.reload();

            assertThat(result.applied()).as(result.message()).isTrue();
            assertThat(result.message()).contains("changed smtp_listen").contains("smtp on 127.0.0.1:" + newPort);
            assertThat(server.smtpPort()).isEqualTo(newPort);
            try (SmtpTestClient after = new SmtpTestClient(newPort)) {
                assertThat(after.reply()).startsWith("220 mx.test.example");
            }
            assertThatThrownBy(() -> new SmtpTestClient(oldPort).close()).isInstanceOf(ConnectException.class);

            assertThat(before.send("DATA")).startsWith("354 ");
            assertThat(before.send("Subject: sent across a reload\r\n\r\nstill here\r\n.")).startsWith("250 ");
            assertThat(before.send("QUIT")).startsWith("221 ");
        }
        List<Path> mail = MaildirProbe.awaitMessages(data.resolve("mail/example.com/alice/Maildir"), 1, WAIT);
        assertThat(Files.readString(mail.get(0), StandardCharsets.US_ASCII)).contains("sent across a reload");
    }

    @Test
    void brokenConfigurationIsRefusedNamingTheKeyAndTheOldSettingsStay() throws Exception {
        int port = server.smtpPort();
        writeConfig("smtp_listen = 127.0.0.1:" + port, "message_size_limit = lots");

        ReloadResult result = server.reload();

        assertThat(result.applied()).isFalse();
        assertThat(result.message()).contains(file + ":").contains("message_size_limit");
        try (SmtpTestClient client = new SmtpTestClient(port)) {
            client.reply();
            client.send("EHLO client.example");
            // The default limit (10240000) still holds.
            assertThat(client.send("MAIL FROM:<sender@client.example> SIZE=20000")).startsWith("250 ");
        }
    }

    @Test
    void liveSettingsReachNewSessionsOnlyAndRestartKeysAreNamed() throws Exception {
        int port = server.smtpPort();
        try (SmtpTestClient before = new SmtpTestClient(port)) {
            before.reply();
            writeConfig("smtp_listen = 127.0.0.1:" + port, "message_size_limit = 10000", "ldap_pool_size = 3");

            ReloadResult result = server.reload();

            assertThat(result.applied()).as(result.message()).isTrue();
            // smtp_listen's text changed from port 0 to the port it picked: nothing is rebound.
            assertThat(result.message()).containsPattern("changed .*message_size_limit")
                    .contains("needs a restart: ldap_pool_size");
            assertThat(server.smtpPort()).isEqualTo(port);
            try (SmtpTestClient after = new SmtpTestClient(port)) {
                after.reply();
                after.send("EHLO client.example");
                assertThat(after.send("MAIL FROM:<sender@client.example> SIZE=20000")).startsWith("552 5.3.4");
            }
            // A session connected before the reload keeps the settings it started with.
            before.send("EHLO client.example");
            assertThat(before.send("MAIL FROM:<sender@client.example> SIZE=20000")).startsWith("250 ");
        }
    }

    @Test
    void reloadCommandReachesTheRunningServerAndReportsTheOutcome() throws Exception {
        int port = server.smtpPort();
        writeConfig("smtp_listen = 127.0.0.1:" + port, "smtp_max_recipients = 100");
        Result ok = reload();
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.out()).containsPattern("reloaded: changed .*smtp_max_recipients");

        // Parses, but the server cannot load the certificate: refused by the server.
        writeConfig("smtp_listen = 127.0.0.1:" + port, "tls_cert_file = " + data.resolve("missing.pem"),
                "tls_key_file = " + data.resolve("missing.key"));
        Result refused = reload();
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("reload refused, running configuration kept: TLS certificates");

        writeConfig("smtp_listen = 127.0.0.1:" + port, "smtp_greeting_delay = soon");
        Result broken = reload();
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.err()).contains("reload refused").contains("smtp_greeting_delay");

        try (SmtpTestClient client = new SmtpTestClient(port)) {
            assertThat(client.reply()).startsWith("220 ");
        }
    }

    private Result reload() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DirmailCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute("reload", "--config", file.toString());
        return new Result(status, out.toString(), err.toString());
    }

    private record Result(int status, String out, String err) {
    }

    /** The common settings plus {@code lines}; the file is what the server re-reads. */
    private void writeConfig(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "data_dir = " + data,
                "hostname = mx.test.example",
                "admin_listen = none",
                "embedded_directory_listen = 127.0.0.1:0",
                "submission_listen =", "smtps_listen =", "pop3_listen =", "pop3s_listen =",
                "smtp_greeting_delay = 0s",
                "local_retry_constant = 1"));
        for (String line : lines) {
            String key = line.substring(0, line.indexOf('=')).strip();
            all.removeIf(l -> l.startsWith(key + " "));
            all.add(line);
        }
        Files.write(file, all, StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
