package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dirmail.mta.cli.DirmailCommand;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dirmail queue} and {@code dirmail sendmail} run in-process against a real queue, with the
 * server running and stopped: what an operator types and reads, and what ends up in a Maildir.
 */
class QueueToolsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private DirmailServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Server and tools read the same file, as in production; the hostname qualifies local names. */
    private Path config() throws Exception {
        Path conf = data.resolve("dirmail.conf");
        if (!Files.exists(conf)) {
            Files.writeString(conf, "hostname = mx.test.example\n");
        }
        return conf;
    }

    private void startServer() throws Exception {
        server = DirmailServer.start(DirmailConfig.load(config(), List.of(
                "data_dir=" + data,
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "submission_listen=", "smtps_listen=", "pop3_listen=", "pop3s_listen=",
                "embedded_directory_listen=127.0.0.1:0",
                "dns_resolvers=127.0.0.1:9",
                "dns_timeout=200ms",
                "local_retry_constant=1")));
    }

    @Test
    void sendmailDashTDeliversToAliceAndHidesTheBcc() throws Exception {
        startServer();

        Result r = sendmail("Subject: nightly backup\nTo: Alice <alice@example.com>\nBcc: bob@example.com\n\n"
                + "all good\n.\nnot part of the message\n", "-t", "-oi", "-F", "Cron Daemon", "-f", "root@mx.test.example");

        assertThat(r.status).as(r.err).isZero();
        String alice = Files.readString(MaildirProbe.awaitMessages(maildir("alice"), 1, WAIT).get(0), StandardCharsets.ISO_8859_1);
        String bob = Files.readString(MaildirProbe.awaitMessages(maildir("bob"), 1, WAIT).get(0), StandardCharsets.ISO_8859_1);
        assertThat(alice).contains("Return-Path: <root@mx.test.example>")
                .contains("Received: by mx.test.example (dirmail pickup, from local user ")
                .contains("Subject: nightly backup\n")
                .contains("From: \"Cron Daemon\" <root@mx.test.example>\n")
                .containsPattern("\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} ")
                .containsPattern("\nMessage-ID: <\\d+\\.[0-9a-f]{16}@mx.test.example>\n")
                .contains("\n\nall good\n.\nnot part of the message\n")
                .doesNotContainIgnoringCase("bcc:");
        assertThat(bob).doesNotContainIgnoringCase("bcc:");
        assertThat(run("queue", "stats").out).contains("messages in queue: 0");
    }

    @Test
    void sendmailWhileStoppedIsDeliveredWhenTheServerStarts() throws Exception {
        Result r = sendmail("Subject: queued while down\n\nhello\n.\nafter the dot\n", "alice@example.com");
        assertThat(r.status).as(r.err).isZero();
        assertThat(run("queue", "stats").out).contains("waiting in maildrop: 1");

        startServer();

        String alice = Files.readString(MaildirProbe.awaitMessages(maildir("alice"), 1, WAIT).get(0), StandardCharsets.ISO_8859_1);
        assertThat(alice).contains("Subject: queued while down").contains("\nhello\n").doesNotContain("after the dot");
        assertThat(files("queue/maildrop")).isEmpty();
    }

    @Test
    void deferredMessageIsListedWithItsLastErrorThenDeletedThroughTheServer() throws Exception {
        startServer();
        assertThat(sendmail("Subject: far away\n\nx\n", "someone@remote.example", "alice@example.com").status).isZero();

        Result list = await(() -> run("queue", "list"), l -> l.out.contains("last error"));
        String id = list.out.substring(0, 16);
        assertThat(list.status).isZero();
        assertThat(list.out).containsPattern(id + "  age \\d+s\\s+size \\d+\\s+from <")
                .containsPattern("pending  <someone@remote.example>  \\(last error: 4\\.\\d\\.\\d .+\\)")
                .contains("done     <alice@example.com>")
                .contains("-- 1 message(s), 1 recipient(s) pending");
        assertThat(run("queue", "stats").out).contains("messages in queue: 1\nrecipients pending: 1\noldest: " + id);
        Result show = run("queue", "show", id);
        assertThat(show.out).contains("id:        " + id).contains("client:    pickup")
                .contains("recipient: pending  <someone@remote.example>").contains("Subject: far away")
                .doesNotContain("\nx\n");
        assertThat(run("queue", "show", "--body", id).out).contains("Subject: far away\n").endsWith("\n\nx\n");

        Result delete = run("queue", "delete", id, "0000000000000000");

        assertThat(delete.out).contains("the server is running: asked it through").contains(id + ": deleted");
        assertThat(delete.err).contains("0000000000000000: no such message in the queue");
        assertThat(delete.status).isEqualTo(1);
        assertThat(run("queue", "list").out).isEqualTo("queue is empty\n");
        assertThat(files("queue/msg")).isEmpty();
        assertThat(files("queue/control")).isEmpty();
    }

    @Test
    void deleteAndFlushWithTheServerStoppedActDirectly() throws Exception {
        startServer();
        assertThat(sendmail("Subject: far away\n\nx\n", "someone@remote.example").status).isZero();
        String id = await(() -> run("queue", "list"), l -> l.out.contains("last error")).out.substring(0, 16);
        server.close();
        server = null;

        assertThat(run("queue", "flush").out).contains("the server is not running");
        Result missing = run("queue", "delete", "NOTANID");
        assertThat(missing.status).isEqualTo(1);
        assertThat(missing.err).contains("NOTANID: no such message in the queue");
        Result delete = run("queue", "delete", id);
        assertThat(delete.status).isZero();
        assertThat(delete.out).contains("the server is not running: changed the queue directly").contains(id + ": deleted");
        assertThat(files("queue/msg")).isEmpty();
        assertThat(files("queue/state")).isEmpty();
    }

    @Test
    void hostileMaildropFilesAreMovedAsideNotQueued() throws Exception {
        Path maildrop = Files.createDirectories(data.resolve("queue/maildrop"));
        Files.writeString(maildrop.resolve("garbage"), "this is not a queue file\n");
        Files.writeString(maildrop.resolve("badrcpt"), "DIRMAIL-QUEUE 1\narrival 0\nclient x\nsender a@b.example\n"
                + "rcpt not an address\nsize 4\nend\nx\r\n\r\n");
        Files.writeString(maildrop.resolve("bareline"), "DIRMAIL-QUEUE 1\narrival 0\nclient x\nsender a@b.example\n"
                + "rcpt alice@example.com\nsize 6\nend\nx\r\ny\n\n");
        Files.createSymbolicLink(maildrop.resolve("link"), data.resolve("queue/lock"));

        startServer();
        await(() -> new Result(0, String.join(",", files("queue/corrupt")), ""), r -> r.out.split(",").length == 4);

        assertThat(files("queue/corrupt")).containsExactlyInAnyOrder("maildrop-garbage", "maildrop-badrcpt",
                "maildrop-bareline", "maildrop-link");
        assertThat(files("queue/maildrop")).isEmpty();
        assertThat(files("queue/msg")).isEmpty();
        assertThat(run("queue", "stats").out).contains("corrupt files kept: 4");
    }

    @Test
    void sendmailRefusesWhatItCannotSend() throws Exception {
        assertThat(sendmail("Subject: x\n\ny\n").status).as("no recipient").isEqualTo(64);
        assertThat(sendmail("Subject: x\n\ny\n", "-t").status).as("-t without To").isEqualTo(64);
        assertThat(sendmail("Subject: x\n\ny\n", "-bs").status).as("SMTP on stdin").isEqualTo(64);
        Result bad = sendmail("Subject: x\n\ny\n", "not an address@");
        assertThat(bad.status).isEqualTo(65);
        assertThat(bad.err).contains("invalid recipient address 'not an address@'");
        assertThat(files("queue/maildrop")).isEmpty();
    }

    private Result sendmail(String stdin, String... args) throws Exception {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)));
        try {
            List<String> all = new ArrayList<>(List.of("sendmail", "--config", config().toString(), "--data-dir", data.toString()));
            all.addAll(List.of(args));
            return execute(all);
        } finally {
            System.setIn(saved);
        }
    }

    private Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config().toString(), "--data-dir", data.toString()));
        return execute(all);
    }

    private static Result execute(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DirmailCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args.toArray(String[]::new));
        return new Result(status, out.toString().replace(System.lineSeparator(), "\n"), err.toString());
    }

    private interface Check {
        Result get() throws Exception;
    }

    private static Result await(Check check, Predicate<Result> done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        Result r = check.get();
        while (!done.test(r) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            r = check.get();
        }
        assertThat(done.test(r)).as("in time: " + r.out + r.err).isTrue();
        return r;
    }

    private List<String> files(String dir) throws Exception {
        Path p = data.resolve(dir);
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(f -> f.getFileName().toString()).toList();
        }
    }

    private Path maildir(String user) {
        return data.resolve("mail/example.com/" + user + "/Maildir");
    }

    private record Result(int status, String out, String err) {
    }
}
