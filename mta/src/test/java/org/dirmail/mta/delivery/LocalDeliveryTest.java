package org.dirmail.mta.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.quota.QuotaPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-local's order and stop rules through the {@link Router}, on scripted directory answers and
 * real .qmail files and programs: programs, mailbox, .qmail lines, forwards last and only when
 * everything else succeeded; 99 stops; the -default fallbacks.
 */
class LocalDeliveryTest {

    @TempDir
    Path mailRoot;

    private final List<Envelope> queued = new CopyOnWriteArrayList<>();
    private final MessageQueue queue = (envelope, message) -> {
        queued.add(envelope);
        message.release();
        return CompletableFuture.completedFuture("fwd-" + queued.size());
    };
    private Lookup answer;

    @Test
    void aFailingQmailLineStopsTheDeliveryBeforeAnyForward() throws Exception {
        dotQmail(".qmail", "&carol@example.org\n./Maildir/\n|exit 111\n");
        answer = found(user("dotonly", Optional.empty()), "");

        DeliveryOutcome outcome = deliver("bob@example.com", true);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                d -> assertThat(d.detail()).isEqualTo("program exited 111"));
        assertThat(queued).isEmpty();
        assertThat(files(home().resolve("Maildir/new"))).hasSize(1); // retried later: at least once
    }

    @Test
    void exit99StopsFurtherLinesButForwardsBeforeItStillGo() throws Exception {
        dotQmail(".qmail", "&carol@example.org\n|exit 99\n./Maildir/\n");
        answer = found(user("dotonly", Optional.empty()), "");

        DeliveryOutcome outcome = deliver("bob@example.com", true);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(outcome.detail()).contains("exited 99", "forwarded to carol@example.org");
        assertThat(home().resolve("Maildir")).doesNotExist();
    }

    @Test
    void programLinesAreSkippedWhenProgramsAreOffAndAProgramOnlyFileDefers() throws Exception {
        dotQmail(".qmail", "|exit 0\n");
        answer = found(user("dotonly", Optional.empty()), "");

        assertThat(deliver("bob@example.com", false)).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                d -> assertThat(d.status()).isEqualTo("4.3.5"));
    }

    @Test
    void extensionsUseTheDefaultFallbacksAndDotonlyWithoutAFileBounces() throws Exception {
        dotQmail(".qmail-lists-default", "./Lists/\n");
        answer = found(user("dotonly", Optional.empty()), "lists-dev");

        assertThat(deliver("bob+lists-dev@example.com", false)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(files(home().resolve("Lists/new"))).hasSize(1);

        answer = found(user("dotonly", Optional.empty()), "other");
        assertThat(deliver("bob+other@example.com", false)).isEqualTo(
                new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name"));
    }

    @Test
    void bothRunsTheEntryProgramThenItsMailboxThenTheQmailLines() throws Exception {
        dotQmail(".qmail", "./mbox\n");
        Path log = mailRoot.resolve("order");
        answer = found(user("both", Optional.of("/bin/sh -c 'ls " + home() + " 1>" + log + "'")), "");
        // RESTRICT_PROG forbids '>' in deliveryProgramPath: the check defers before anything runs.
        assertThat(deliver("bob@example.com", true)).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                d -> assertThat(d.detail()).contains("RESTRICT_PROG"));

        Path script = Files.writeString(mailRoot.resolve("order.sh"), "ls \"$HOME\" > " + log + "\n");
        answer = found(user("both", Optional.of("/bin/sh " + script)), "");
        DeliveryOutcome outcome = deliver("bob@example.com", true);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(Files.readString(log)).doesNotContain("Maildir").doesNotContain("mbox"); // the program ran first
        assertThat(files(home().resolve("Maildir/new"))).hasSize(1);
        assertThat(Files.readString(home().resolve("mbox"))).startsWith("From s@client.example ");
    }

    @Test
    void aQmailFileWritableByOthersDefers() throws Exception {
        Path file = dotQmail(".qmail", "./Maildir/\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        answer = found(user("dotonly", Optional.empty()), "");

        assertThat(deliver("bob@example.com", false)).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                d -> assertThat(d.status()).isEqualTo("4.7.0"));
    }

    private DeliveryOutcome deliver(String rcpt, boolean allowPrograms) {
        Router router = new Router(address -> CompletableFuture.completedFuture(answer), new ScriptedGroups(), queue,
                Set.of("example.com"), mailRoot, "mx.example.com", 5_000, QuotaPolicy.DEFAULT,
                new ProgramPolicy(allowPrograms, Duration.ofSeconds(20)), Optional.empty(), Optional.empty());
        QueuedMessage message = new QueuedMessage("q1", new Envelope("s@client.example", List.of(rcpt), "192.0.2.1",
                Instant.now()), "Subject: hi\r\n\r\nbody\r\n".getBytes(US_ASCII));
        return router.deliver(message, 0);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (var stream = Files.list(dir)) {
            return stream.toList();
        }
    }

    private Path home() {
        return mailRoot.resolve("example.com/bob");
    }

    private Path dotQmail(String name, String content) throws Exception {
        Files.createDirectories(home());
        Path file = Files.writeString(home().resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static MailUser user(String dotMode, Optional<String> program) {
        return new MailUser("uid=bob,dc=example,dc=com", "bob@example.com", Optional.of("bob"), AccountStatus.ACTIVE,
                Optional.of("example.com/bob/Maildir/"), Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0,
                0, Optional.empty(), program.map(List::of).orElse(List.of()), Optional.of(dotMode));
    }

    private static Lookup found(MailUser user, String extension) {
        return new Lookup.Found(user, user.mail(), extension);
    }
}
