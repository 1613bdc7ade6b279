package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dirmail.mta.delivery.DeliveryTestFiles.await;
import static org.dirmail.mta.delivery.DeliveryTestFiles.files;
import static org.dirmail.mta.delivery.DeliveryTestFiles.maildir;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.remote.RecipientStatus;
import org.dirmail.mta.remote.RemoteResult;
import org.dirmail.mta.remote.RemoteTransaction;
import org.dirmail.mta.remote.RemoteTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's limits and its one decision per attempt, on a real queue and Maildir with a
 * scripted directory and a remote transport whose transactions the test finishes by hand.
 */
class DeliverySchedulerTest {

    @TempDir
    Path dir;

    private FileQueue queue;
    private DeliveryScheduler scheduler;
    private final ScriptedTransport remote = new ScriptedTransport();
    /** Lookups of local addresses still waiting for the test to answer them. */
    private final List<CompletableFuture<Lookup>> lookups = new CopyOnWriteArrayList<>();
    private volatile boolean stallLookups;
    private final AtomicInteger pendingLookups = new AtomicInteger();
    private final AtomicInteger mostPendingLookups = new AtomicInteger();

    private void start(ConcurrencyLimits limits) throws Exception {
        queue = FileQueue.open(dir.resolve("queue"), 1);
        Router router = new Router(this::lookup, new ScriptedGroups(), queue, Set.of("example.com"),
                dir.resolve("mail"), "mx.example.com", 10_000);
        scheduler = new DeliveryScheduler(queue, router, remote, limits, new RetrySchedule(10), new RetrySchedule(20),
                new Bouncer(queue, "mx.example.com", "postmaster@mx.example.com", 50_000, Clock.systemUTC()),
                Duration.ofDays(7), Clock.systemUTC());
        queue.onCommitted(scheduler::submit);
    }

    @AfterEach
    void stop() {
        lookups.forEach(f -> f.complete(new Lookup.TempFail("test over")));
        remote.finishAll(new RecipientStatus.Deferred(451, "4.4.2", "test over"));
        if (scheduler != null) {
            scheduler.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aStalledDomainDelaysNeitherLocalMailNorAnotherDomain() throws Exception {
        start(new ConcurrencyLimits(10, 20, 2));
        remote.stalled.add("slow.example");
        for (int i = 0; i < 4; i++) {
            send("user" + i + "@slow.example");
        }
        await(() -> remote.open("slow.example") == 2, "two transactions to slow.example");

        String local = send("alice@example.com");
        String other = send("someone@fast.example");

        await(() -> !queued(local) && !queued(other), "the local and the fast.example message delivered");
        assertThat(maildir(dir, "alice")).hasSize(1);
        assertThat(remote.open("slow.example")).isEqualTo(2);
        assertThat(remote.started("slow.example")).as("the other two wait for a slot").isEqualTo(2);

        remote.stalled.clear();
        remote.finishAll(new RecipientStatus.Delivered(250, "2.0.0", "queued"));
        await(() -> remote.started("slow.example") == 4 && queueSize() == 0, "every slow.example message delivered");
        assertThat(remote.mostOpen("slow.example")).as("never above remote_domain_concurrency").isEqualTo(2);
    }

    @Test
    void theRemoteTotalLimitSpansDomains() throws Exception {
        start(new ConcurrencyLimits(10, 3, 2));
        remote.stalled.addAll(Set.of("a.example", "b.example"));
        for (int i = 0; i < 3; i++) {
            send("x" + i + "@a.example");
            send("x" + i + "@b.example");
        }
        await(() -> remote.open("a.example") + remote.open("b.example") == 3, "three transactions");
        Thread.sleep(200);
        assertThat(remote.open("a.example") + remote.open("b.example")).isEqualTo(3);

        remote.stalled.clear();
        remote.finishAll(new RecipientStatus.Delivered(250, "2.0.0", "queued"));
        await(() -> queueSize() == 0, "all six delivered");
        assertThat(remote.mostOpen("a.example")).isLessThanOrEqualTo(2);
        assertThat(remote.mostOpen("b.example")).isLessThanOrEqualTo(2);
    }

    @Test
    void localDeliveriesRunAtMostLocalConcurrencyAtOnce() throws Exception {
        start(new ConcurrencyLimits(2, 20, 10));
        stallLookups = true;
        for (int i = 0; i < 5; i++) {
            send("alice@example.com");
        }
        await(() -> pendingLookups.get() == 2, "two deliveries waiting for the directory");
        Thread.sleep(200);
        assertThat(pendingLookups.get()).as("the third waits for a worker").isEqualTo(2);

        stallLookups = false;
        answerLookups();
        await(() -> queueSize() == 0, "all five delivered");
        assertThat(maildir(dir, "alice")).hasSize(5);
        assertThat(mostPendingLookups.get()).isEqualTo(2);
    }

    @Test
    void theAttemptDecidesOnceAfterItsLocalAndRemoteParts() throws Exception {
        start(new ConcurrencyLimits(10, 20, 10));
        remote.stalled.add("slow.example");
        String id = send("alice@example.com", "bob@slow.example");
        await(() -> maildir(dir, "alice").size() == 1 && remote.open("slow.example") == 1, "both parts under way");

        assertThat(queue.finishedRecipients(id).isEmpty()).as("nothing recorded before the last part").isTrue();
        scheduler.flushAll();
        Thread.sleep(200);
        assertThat(remote.started("slow.example")).as("never attempted twice at once").isEqualTo(1);

        remote.finishAll(new RecipientStatus.Deferred(451, "4.2.0", "try later"));
        await(() -> queue.finishedRecipients(id).get(0), "alice recorded as delivered");
        assertThat(queued(id)).as("bob is deferred: the message stays").isTrue();
        assertThat(queue.finishedRecipients(id).get(1)).isFalse();
        assertThat(maildir(dir, "alice")).as("alice is not delivered again").hasSize(1);
    }

    private CompletionStage<Lookup> lookup(String address) {
        String uid = address.substring(0, address.indexOf('@'));
        Lookup found = new Lookup.Found(user(uid), address, "");
        if (!stallLookups) {
            return CompletableFuture.completedFuture(found);
        }
        mostPendingLookups.accumulateAndGet(pendingLookups.incrementAndGet(), Math::max);
        CompletableFuture<Lookup> f = new CompletableFuture<>();
        lookups.add(f);
        return f.whenComplete((l, e) -> pendingLookups.decrementAndGet());
    }

    private void answerLookups() throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (queueSize() > 0 && Instant.now().isBefore(deadline)) {
            for (CompletableFuture<Lookup> f : lookups) {
                f.complete(new Lookup.Found(user("alice"), "alice@example.com", ""));
            }
            Thread.sleep(20);
        }
    }

    private static MailUser user(String uid) {
        return new MailUser("uid=" + uid + ",dc=example,dc=com", uid + "@example.com", Optional.of(uid),
                AccountStatus.ACTIVE, Optional.of("example.com/" + uid + "/Maildir/"), Optional.empty(),
                Optional.empty(), List.of(), List.of(), 0, 0, 0);
    }

    private String send(String... recipients) throws Exception {
        Envelope envelope = new Envelope("s@client.example", List.of(recipients), "127.0.0.1", Instant.now());
        byte[] message = "Subject: test\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        return queue.enqueue(envelope, Unpooled.wrappedBuffer(message)).toCompletableFuture().get();
    }

    private boolean queued(String id) {
        return queue.contains(id);
    }

    private int queueSize() {
        try {
            return queue.ids().size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }




    /** Answers at once with 250, except for stalled domains, whose transactions wait for the test. */
    private static final class ScriptedTransport implements RemoteTransport {
        final Set<String> stalled = ConcurrentHashMap.newKeySet();
        private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
        private final List<Map.Entry<RemoteTransaction, CompletableFuture<RemoteResult>>> waiting =
                new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<RemoteResult> deliver(RemoteTransaction tx) {
            counter(started, tx.domain()).incrementAndGet();
            counter(most, tx.domain()).accumulateAndGet(counter(open, tx.domain()).incrementAndGet(), Math::max);
            CompletableFuture<RemoteResult> f = new CompletableFuture<>();
            if (stalled.contains(tx.domain())) {
                waiting.add(Map.entry(tx, f));
            } else {
                finish(tx, f, new RecipientStatus.Delivered(250, "2.0.0", "queued"));
            }
            return f;
        }

        /** Finishes every waiting transaction, and those that start meanwhile while not stalled. */
        void finishAll(RecipientStatus status) {
            for (var entry : waiting) {
                waiting.remove(entry);
                finish(entry.getKey(), entry.getValue(), status);
            }
        }

        private void finish(RemoteTransaction tx, CompletableFuture<RemoteResult> f, RecipientStatus status) {
            Map<String, RecipientStatus> statuses = new java.util.LinkedHashMap<>();
            tx.recipients().forEach(r -> statuses.put(r, status));
            counter(open, tx.domain()).decrementAndGet();
            f.complete(new RemoteResult(statuses, "mx." + tx.domain() + "[127.0.0.1]:25"));
        }

        int open(String domain) {
            return counter(open, domain).get();
        }

        int mostOpen(String domain) {
            return counter(most, domain).get();
        }

        int started(String domain) {
            return counter(started, domain).get();
        }

        private static AtomicInteger counter(Map<String, AtomicInteger> map, String domain) {
            return map.computeIfAbsent(domain, d -> new AtomicInteger());
        }
    }
}
