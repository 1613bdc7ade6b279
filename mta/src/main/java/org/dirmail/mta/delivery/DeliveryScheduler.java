package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.Lookup;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.queue.CorruptQueueFileException;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.remote.RemoteTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deliveries as qmail-send and Postfix's qmgr do: every committed message is attempted at
 * once, then on qmail's retry schedule while any recipient is deferred. Each attempt splits into
 * parts: one per local recipient, run by at most {@code local} workers, and one SMTP transaction
 * per remote domain, admitted by {@link DestinationSlots} and holding no thread while it runs, so a
 * slow destination delays neither local mail nor other destinations. When the last part reports,
 * the attempt makes its one decision: record, bounce, retry or remove. Timers, not polling; one
 * message is never attempted twice at once. Permanent failures, and temporary ones once a message
 * is older than the queue lifetime, are reported to the sender by one bounce per attempt before
 * they are recorded.
 */
public final class DeliveryScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);

    /**
     * Messages read into memory and in delivery at once; the rest wait as ids. Postfix bounds its
     * active queue the same way (qmgr_message_active_limit, 20000); ours holds the content, so less,
     * and at most a quarter of the heap in message bytes.
     */
    static final int ACTIVE_LIMIT = 500;
    private static final long ACTIVE_BYTES = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
    /** How long {@link #close} lets attempts in progress finish. */
    private static final long CLOSE_GRACE_MILLIS = 30_000;
    private static final DeliveryOutcome.Deferred SHUTTING_DOWN =
            new DeliveryOutcome.Deferred("4.3.2", "not attempted: dirmail is shutting down"); // RFC 3463 3.4

    private final FileQueue queue;
    private final Router router;
    private final RemoteDelivery remoteDelivery;
    private final AttemptRecorder recorder;
    private final Clock clock;
    /** Reads messages and makes the decisions of attempts whose last part was remote (qmgr). */
    private final ExecutorService managers;
    private final ExecutorService localWorkers;
    /** Local deliveries running or waiting for a worker: those of attempts, and those before a reply. */
    private final AtomicInteger localTasks = new AtomicInteger();
    private final int localLimit;
    private final ExecutorService remoteStarter;
    private final DestinationSlots remoteSlots;
    private final ScheduledExecutorService timers;
    /** Ids attempted now or waiting for a turn; a second submit of the same id is ignored. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ActiveMessages admission = new ActiveMessages(ACTIVE_LIMIT, ACTIVE_BYTES);
    private volatile boolean closing;

    /**
     * @param limits      local deliveries, remote transactions, and transactions per domain at once
     * @param retry       the schedule for local deferrals (qmail: C = 10)
     * @param remoteRetry the schedule for remote deferrals (qmail: C = 20)
     * @param queueLifetime how long a message may stay deferred before it bounces (qmail: queuelifetime)
     */
    public DeliveryScheduler(FileQueue queue, Router router, RemoteTransport remote, ConcurrencyLimits limits,
            RetrySchedule retry, RetrySchedule remoteRetry, Bouncer bouncer, Duration queueLifetime, Clock clock) {
        this.queue = queue;
        this.router = router;
        this.recorder = new AttemptRecorder(queue, bouncer, retry, remoteRetry, queueLifetime, clock);
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.managers = Executors.newFixedThreadPool(2, r -> daemon(r, "qmgr-" + n.incrementAndGet()));
        AtomicInteger w = new AtomicInteger();
        this.localWorkers = Executors.newFixedThreadPool(limits.local(), r -> daemon(r, "delivery-" + w.incrementAndGet()));
        this.localLimit = limits.local();
        this.remoteStarter = Executors.newSingleThreadExecutor(r -> daemon(r, "remote-start"));
        this.remoteDelivery = new RemoteDelivery(remote, remoteStarter);
        this.remoteSlots = new DestinationSlots(limits.remote(), limits.perDomain());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "delivery-timer"));
    }

    /** Where each recipient's outcome is counted (by default, nowhere). */
    public void reportTo(DirmailMetrics metrics) {
        recorder.reportTo(metrics);
    }

    /** Picks up everything already in the queue (after a restart) and attempts it now. */
    public void startWithQueued() throws IOException {
        var ids = queue.ids();
        if (!ids.isEmpty()) {
            log.info("{} message(s) in the queue at start", ids.size());
        }
        ids.forEach(this::submit);
    }

    /** Attempts {@code id} now, or once enough messages ahead of it are done (see {@link ActiveMessages}). */
    public void submit(String id) {
        if (!inFlight.add(id)) {
            return;
        }
        switch (admission.admit(id, queue.sizeOf(id))) {
            case NOW:
                begin(id);
                break;
            case CLOSED:
                inFlight.remove(id); // the message stays queued for the next start
                break;
            default:
                break; // waiting: release() starts it
        }
    }

    private void begin(String id) {
        try {
            managers.execute(() -> plan(id));
        } catch (RejectedExecutionException e) {
            endAttempt(id, null);
        }
    }

    /** Reads the message and starts a part per local recipient and per remote domain. */
    private void plan(String id) {
        if (closing) {
            endAttempt(id, null);
            return;
        }
        QueuedMessage message;
        List<Integer> local = new ArrayList<>();
        Map<String, List<Integer>> remote;
        try {
            message = queue.read(id);
            BitSet finished = queue.finishedRecipients(id);
            int total = message.envelope().recipients().size();
            List<Integer> others = new ArrayList<>();
            for (int i = finished.nextClearBit(0); i < total; i = finished.nextClearBit(i + 1)) {
                (router.isLocal(message.envelope().recipients().get(i)) ? local : others).add(i);
            }
            remote = RemoteDelivery.byDomain(message, others);
        } catch (NoSuchFileException e) {
            log.debug("{}: already finished", id);
            endAttempt(id, null);
            return;
        } catch (CorruptQueueFileException e) {
            log.error(e.getMessage());
            quarantine(id);
            endAttempt(id, null);
            return;
        } catch (IOException | RuntimeException e) {
            log.error("{}: delivery attempt failed: {}", id, e.toString(), e);
            endAttempt(id, clock.instant().plusSeconds(60));
            return;
        }
        if (local.isEmpty() && remote.isEmpty()) {
            conclude(message, List.of()); // every recipient was finished before: only the removal is left
            return;
        }
        MessageAttempt attempt = new MessageAttempt(message, local.size() + remote.size());
        for (int index : local) {
            startLocal(attempt, index);
        }
        remote.forEach((domain, indexes) -> remoteSlots.submit(domain, () -> remoteDelivery
                .deliver(message, domain, indexes)
                .thenAccept(outcomes -> {
                    if (attempt.report(outcomes)) {
                        concludeLater(attempt); // possibly on an I/O thread: the decision writes files
                    }
                })));
    }

    private void startLocal(MessageAttempt attempt, int index) {
        localTasks.incrementAndGet();
        try {
            executeCounted(() -> {
                DeliveryOutcome outcome = deliverLocal(attempt.message(), index);
                if (attempt.report(List.of(new RemoteDelivery.RecipientAttempt(index, "local", outcome)))) {
                    conclude(attempt.message(), attempt.outcomes()); // a worker may block: no hop needed
                }
            });
        } catch (RejectedExecutionException e) {
            if (attempt.report(List.of(new RemoteDelivery.RecipientAttempt(index, "local", SHUTTING_DOWN)))) {
                concludeLater(attempt);
            }
        }
    }

    /**
     * Runs {@code task} on a local delivery worker at once if one is free, counting against the
     * local concurrency limit like any delivery; false when every worker is taken or stopping.
     */
    boolean runLocalIfIdle(Runnable task) {
        int now;
        do {
            now = localTasks.get();
            if (closing || now >= localLimit) {
                return false;
            }
        } while (!localTasks.compareAndSet(now, now + 1));
        try {
            executeCounted(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs a task already counted in {@link #localTasks} on a worker; uncounts it when it ends or is refused. */
    private void executeCounted(Runnable task) {
        try {
            localWorkers.execute(() -> {
                try {
                    task.run();
                } finally {
                    localTasks.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            localTasks.decrementAndGet();
            throw e;
        }
    }

    /** The router, for deliveries made before the SMTP reply. */
    Router router() {
        return router;
    }

    /** Logs a delivery made before the SMTP reply as any attempt's delivery is logged, and counts it. */
    void logDelivered(QueuedMessage message, RemoteDelivery.RecipientAttempt attempt) {
        recorder.logOutcome(message, attempt, attempt.outcome());
    }

    private DeliveryOutcome deliverLocal(QueuedMessage message, int index) {
        return deliverLocal(message, index, Optional.empty());
    }

    /**
     * One local recipient's delivery, with the directory's answer when the caller has a fresh one; a
     * bug or a stopping server is a deferral, never a throw.
     */
    DeliveryOutcome deliverLocal(QueuedMessage message, int index, Optional<Lookup> answered) {
        if (closing) {
            return SHUTTING_DOWN;
        }
        try {
            return router.deliver(message, index, answered);
        } catch (RuntimeException e) {
            log.error("{}: local delivery to recipient {} failed: {}", message.id(), index, e.toString(), e);
            return new DeliveryOutcome.Deferred("4.3.0", "internal error: " + e);
        }
    }

    private void concludeLater(MessageAttempt attempt) {
        try {
            managers.execute(() -> conclude(attempt.message(), attempt.outcomes()));
        } catch (RejectedExecutionException e) {
            endAttempt(attempt.message().id(), null); // stopped: the message stays queued as it was
        }
    }

    /** The attempt's one decision, once every outcome is in. */
    private void conclude(QueuedMessage message, List<RemoteDelivery.RecipientAttempt> attempts) {
        Instant retryAt = null;
        try {
            retryAt = recorder.record(message, attempts);
        } catch (NoSuchFileException e) {
            log.debug("{}: already finished", message.id());
        } catch (IOException | RuntimeException e) {
            log.error("{}: delivery attempt failed: {}", message.id(), e.toString(), e);
            retryAt = clock.instant().plusSeconds(60);
        } finally {
            endAttempt(message.id(), retryAt);
        }
    }

    private void scheduleAt(String id, Instant when) {
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        try {
            timers.schedule(() -> submit(id), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("{}: not rescheduled, shutting down; it stays queued", id);
        }
    }

    private void quarantine(String id) {
        try {
            queue.quarantine(id);
        } catch (IOException e) {
            log.error("{}: cannot move corrupt queue file aside: {}", id, e.toString());
        }
    }

    /**
     * Stops taking work: waiting messages and parts not yet started stay queued; attempts in
     * progress finish and record their outcomes (bounded), the rest stays queued.
     */
    @Override
    public void close() {
        timers.shutdownNow();
        closing = true;
        admission.close().forEach(inFlight::remove);
        remoteStarter.shutdown(); // transactions not yet begun are deferred at once
        try {
            admission.awaitIdle(CLOSE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        managers.shutdownNow();
        localWorkers.shutdownNow();
        remoteStarter.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // Operator requests (dirmail queue flush / delete), and what they need from an attempt.

    /** Ids deleted while an attempt was in flight; the attempt's end removes what it wrote since. */
    private final Set<String> deletedInFlight = ConcurrentHashMap.newKeySet();

    /** What {@link #delete} did. */
    public enum Deletion {
        /** The message was removed; no attempt was running. */
        REMOVED,
        /** The message was removed; the attempt already running may still finish deliveries it had started. */
        REMOVED_DURING_ATTEMPT,
        /** No such message in the queue. */
        UNKNOWN
    }

    /** Attempts every queued message now, whatever its retry schedule (qmail-send on ALRM); returns how many. */
    public int flushAll() throws IOException {
        List<String> ids = queue.ids();
        ids.forEach(this::submit);
        log.info("flush: {} message(s) submitted for an attempt now", ids.size());
        return ids.size();
    }

    /**
     * Removes a message without a bounce (postsuper -d). Files go at once, so no later attempt finds
     * it; an attempt already running ends normally and its end removes any state it wrote meanwhile.
     */
    public Deletion delete(String id) throws IOException {
        synchronized (deletedInFlight) {
            if (!queue.contains(id)) {
                return Deletion.UNKNOWN;
            }
            queue.remove(id);
            log.info("{}: removed by the operator", id);
            if (inFlight.contains(id)) {
                deletedInFlight.add(id);
                return Deletion.REMOVED_DURING_ATTEMPT;
            }
            return Deletion.REMOVED;
        }
    }

    /**
     * The end of every attempt, planned or not: frees its place for the next waiting message, and
     * sets the timer for the next attempt when {@code retryAt} is not null.
     */
    private void endAttempt(String id, Instant retryAt) {
        attemptEnded(id);
        admission.release(id).forEach(this::begin);
        if (retryAt != null) {
            scheduleAt(id, retryAt);
        }
    }

    /** The end of every attempt: under the same lock as {@link #delete}, so neither misses the other. */
    private void attemptEnded(String id) {
        synchronized (deletedInFlight) {
            if (deletedInFlight.remove(id)) {
                try {
                    queue.remove(id);
                } catch (IOException e) {
                    log.warn("{}: cannot remove the state of a deleted message: {}", id, e.toString());
                }
            }
            inFlight.remove(id);
        }
    }


}
