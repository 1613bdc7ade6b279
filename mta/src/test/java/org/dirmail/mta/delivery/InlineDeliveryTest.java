package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dirmail.mta.delivery.DeliveryTestFiles.await;
import static org.dirmail.mta.delivery.DeliveryTestFiles.files;
import static org.dirmail.mta.delivery.DeliveryTestFiles.maildir;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.RcptAnswers;
import org.dirmail.mta.remote.RecipientStatus;
import org.dirmail.mta.remote.RemoteResult;
import org.dirmail.mta.remote.RemoteTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery before the SMTP reply, on a real queue and real Maildirs with a scripted directory:
 * what is delivered at once never touches the queue, and everything else is in the queue, with
 * what was delivered recorded, by the time the reply may be sent.
 */
class InlineDeliveryTest {

    @TempDir
    Path dir;

    private FileQueue queue;
    private DeliveryScheduler scheduler;
    private InlineDelivery inline;
    /** Users whose lookup is a directory outage. */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private volatile boolean stallLookups;
    /** Every address the router asked the directory about. */
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Lookup>> stalled = new CopyOnWriteArrayList<>();
    private final List<java.util.Map.Entry<RemoteTransaction, CompletableFuture<RemoteResult>>> remotes =
            new CopyOnWriteArrayList<>();

    private void start(int localWorkers) throws Exception {
        queue = FileQueue.open(dir.resolve("queue"), 1);
        Router router = new Router(this::lookup, new ScriptedGroups(), queue, Set.of("example.com"),
                dir.resolve("mail"), "mx.example.com", 10_000);
        // Remote transactions finish only when the test ends: a message with a remote recipient stays queued.
        scheduler = new DeliveryScheduler(queue, router, tx -> {
                    CompletableFuture<RemoteResult> f = new CompletableFuture<>();
                    remotes.add(java.util.Map.entry(tx, f));
                    return f;
                },
                new ConcurrencyLimits(localWorkers, 20, 10), new RetrySchedule(10), new RetrySchedule(20),
                new Bouncer(queue, "mx.example.com", "postmaster@mx.example.com", 50_000, Clock.systemUTC()),
                Duration.ofDays(7), Clock.systemUTC());
        queue.onCommitted(scheduler::submit);
        inline = new InlineDelivery(queue, scheduler);
    }

    @AfterEach
    void stop() {
        stalled.forEach(f -> f.complete(new Lookup.TempFail("test over")));
        remotes.forEach(e -> {
            java.util.Map<String, RecipientStatus> statuses = new java.util.HashMap<>();
            e.getKey().recipients().forEach(r -> statuses.put(r, new RecipientStatus.Deferred(451, "4.4.2", "test over")));
            e.getValue().complete(new RemoteResult(statuses, "mx.elsewhere.example[127.0.0.1]:25"));
        });
        if (scheduler != null) {
            scheduler.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aLocalMessageIsInTheMailboxWhenTheReplyMayGoAndWasNeverQueued() throws Exception {
        start(10);
        List<String> named = new CopyOnWriteArrayList<>();

        String id = send(named, "alice@example.com", "bob@example.com");

        assertThat(named).containsExactly(id);
        assertThat(maildir(dir, "alice")).as("delivered before the reply, not after").hasSize(1);
        assertThat(maildir(dir, "bob")).hasSize(1);
        assertThat(files(dir.resolve("queue/msg"))).isEmpty();
        assertThat(files(dir.resolve("queue/tmp"))).isEmpty();
        assertThat(files(dir.resolve("queue/state"))).isEmpty();
    }

    @Test
    void aDeferredRecipientIsQueuedWithTheDeliveredOnesRecordedAsDone() throws Exception {
        start(10);
        // A file where bob's Maildir should be: his delivery fails (4.3.0) until it is gone.
        Path blocker = dir.resolve("mail/example.com/bob");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a directory");

        String id = send(new CopyOnWriteArrayList<>(), "alice@example.com", "bob@example.com");

        assertThat(maildir(dir, "alice")).hasSize(1);
        assertThat(queue.contains(id)).as("bob's copy is durable before the reply").isTrue();
        assertThat(queue.finishedRecipients(id).get(0)).as("alice is recorded as delivered").isTrue();
        assertThat(queue.finishedRecipients(id).get(1)).isFalse();

        Files.delete(blocker);
        await(() -> scheduler.flushAll() >= 0 && !queue.contains(id), "the queue delivers bob"); // a flush during the first attempt is ignored
        assertThat(maildir(dir, "bob")).hasSize(1);
        assertThat(maildir(dir, "alice")).as("alice is not delivered twice").hasSize(1);
    }

    @Test
    void whenEveryWorkerIsBusyTheMessageIsQueuedBeforeTheReply() throws Exception {
        start(1);
        stallLookups = true;
        String first = queue.enqueue(envelope("alice@example.com"), body()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await(() -> stalled.size() == 1, "the queued message's delivery holds the only worker");

        stallLookups = false;
        String second = send(new CopyOnWriteArrayList<>(), "bob@example.com");

        assertThat(queue.contains(second)).as("queued: its attempt waits for the worker").isTrue();
        assertThat(maildir(dir, "bob")).isEmpty();
        stalled.get(0).complete(new Lookup.Found(user("alice"), "alice@example.com", ""));
        await(() -> queue.ids().isEmpty(), "both delivered by the queue");
        assertThat(maildir(dir, "alice")).hasSize(1);
        assertThat(maildir(dir, "bob")).hasSize(1);
        assertThat(queue.contains(first)).isFalse();
    }

    @Test
    void aRemoteRecipientSendsTheWholeMessageThroughTheQueue() throws Exception {
        start(10);

        String id = send(new CopyOnWriteArrayList<>(), "alice@example.com", "carol@elsewhere.example");

        assertThat(queue.contains(id)).as("queued: the remote transaction has not finished").isTrue();
        await(() -> maildir(dir, "alice").size() == 1, "the queue's attempt delivers alice");
    }

    @Test
    void aFreshAnswerFromRcptSparesTheSecondLookupAndAStaleOneDoesNot() throws Exception {
        start(10);
        unreachable.add("bob"); // any lookup of bob now is a directory outage
        Lookup found = new Lookup.Found(user("bob"), "bob@example.com", "");

        String fresh = inline.enqueue(envelope("bob@example.com"), body(), id -> { },
                answers("bob@example.com", found, System.nanoTime())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(queue.contains(fresh)).isFalse();
        assertThat(maildir(dir, "bob")).as("delivered with the answer RCPT got").hasSize(1);
        assertThat(lookups).isEmpty();

        long twoSecondsAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        String stale = inline.enqueue(envelope("bob@example.com"), body(), id -> { },
                answers("bob@example.com", found, twoSecondsAgo)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(queue.contains(stale)).as("older than a second: queued, not delivered on old news").isTrue();
        await(() -> lookups.contains("bob@example.com"), "the queue's attempt asks the directory again");
        assertThat(maildir(dir, "bob")).hasSize(1);
    }

    private static RcptAnswers answers(String rcpt, Lookup lookup, long nanos) {
        return new RcptAnswers(java.util.Map.of(rcpt, new RcptAnswers.Answer(lookup, nanos)));
    }

    /** As an SMTP session hands a message over: with the directory's answers at RCPT, just now. */
    private String send(List<String> named, String... recipients) throws Exception {
        java.util.Map<String, RcptAnswers.Answer> answered = new java.util.HashMap<>();
        for (String rcpt : recipients) {
            String uid = rcpt.substring(0, rcpt.indexOf('@'));
            if (rcpt.endsWith("@example.com")) {
                answered.put(rcpt, new RcptAnswers.Answer(new Lookup.Found(user(uid), rcpt, ""), System.nanoTime()));
            }
        }
        return inline.enqueue(envelope(recipients), body(), named::add, new RcptAnswers(answered))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Envelope envelope(String... recipients) {
        return new Envelope("s@client.example", List.of(recipients), "127.0.0.1", Instant.now());
    }

    private static io.netty.buffer.ByteBuf body() {
        return Unpooled.wrappedBuffer("Subject: test\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private CompletionStage<Lookup> lookup(String address) {
        lookups.add(address);
        String uid = address.substring(0, address.indexOf('@'));
        if (unreachable.contains(uid)) {
            return CompletableFuture.completedFuture(new Lookup.TempFail("directory unreachable"));
        }
        if (stallLookups) {
            CompletableFuture<Lookup> f = new CompletableFuture<>();
            stalled.add(f);
            return f;
        }
        return CompletableFuture.completedFuture(new Lookup.Found(user(uid), address, ""));
    }

    private static MailUser user(String uid) {
        return new MailUser("uid=" + uid + ",dc=example,dc=com", uid + "@example.com", Optional.of(uid),
                AccountStatus.ACTIVE, Optional.of("example.com/" + uid + "/Maildir/"), Optional.empty(),
                Optional.empty(), List.of(), List.of(), 0, 0, 0);
    }




}
