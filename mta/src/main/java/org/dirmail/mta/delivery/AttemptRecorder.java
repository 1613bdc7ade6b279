package org.dirmail.mta.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.bounce.FailedRecipient;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one decision at the end of an attempt, once every recipient's outcome is in: log each
 * outcome (Postfix's delivery lines), record the delivered and failed recipients in the queue,
 * bounce the failures (before recording them, so a crash can repeat a bounce but never lose one),
 * and say when to retry or remove the message. Expired deferrals become failures. It writes as
 * qmgr: its lines go to the scheduler's logger.
 */
final class AttemptRecorder {

    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);

    private final FileQueue queue;
    private final Bouncer bouncer;
    private final RetrySchedule retry;
    private final RetrySchedule remoteRetry;
    private final Duration queueLifetime;
    private final Clock clock;
    private volatile DirmailMetrics metrics = DirmailMetrics.disabled();

    AttemptRecorder(FileQueue queue, Bouncer bouncer, RetrySchedule retry, RetrySchedule remoteRetry,
            Duration queueLifetime, Clock clock) {
        this.queue = queue;
        this.bouncer = bouncer;
        this.retry = retry;
        this.remoteRetry = remoteRetry;
        this.queueLifetime = queueLifetime;
        this.clock = clock;
    }

    void reportTo(DirmailMetrics metrics) {
        this.metrics = metrics;
    }

    /** Records this attempt's outcomes; returns when to retry, or null when the message is finished. */
    Instant record(QueuedMessage message, List<RemoteDelivery.RecipientAttempt> attempts) throws IOException {
        String id = message.id();
        boolean expired = !Duration.between(message.envelope().receivedAt(), clock.instant()).minus(queueLifetime)
                .isNegative();
        boolean deferred = false;
        boolean remoteDeferred = false;
        List<Integer> delivered = new ArrayList<>();
        List<RemoteDelivery.RecipientAttempt> failed = new ArrayList<>();
        List<RemoteDelivery.RecipientAttempt> postponed = new ArrayList<>();
        for (RemoteDelivery.RecipientAttempt attempt : attempts) {
            DeliveryOutcome outcome = attempt.outcome();
            logOutcome(message, attempt, outcome);
            if (outcome instanceof DeliveryOutcome.Delivered) {
                delivered.add(attempt.index());
            } else if (outcome instanceof DeliveryOutcome.Failed || expired) {
                failed.add(attempt);
            } else {
                postponed.add(attempt);
                deferred = true;
                remoteDeferred |= !attempt.relay().equals("local");
            }
        }
        if (expired && failed.stream().anyMatch(a -> a.outcome() instanceof DeliveryOutcome.Deferred)) {
            log.warn("{}: from=<{}>, status=expired, returned to sender", id, message.envelope().sender());
        }
        if (deferred || !failed.isEmpty()) {
            // Recorded first, so a crash while bouncing does not deliver them twice.
            for (int index : delivered) {
                queue.markFinished(id, index, true, "");
            }
        }
        // After the successes, so a reader that sees a deferral also sees what was delivered with it.
        for (RemoteDelivery.RecipientAttempt attempt : postponed) {
            noteDeferred(id, attempt.index(), (DeliveryOutcome.Deferred) attempt.outcome());
        }
        boolean reported = failed.isEmpty() || bounce(message, failed);
        if (!deferred && reported) {
            // Every recipient is finished and every failure reported: removing the message says it all.
            queue.remove(id);
            log.info("{}: removed", id);
            return null;
        }
        if (reported) {
            // Only after the bounce is durable: a crash before this line sends it twice, never not at all.
            for (RemoteDelivery.RecipientAttempt attempt : failed) {
                queue.markFinished(id, attempt.index(), false, attempt.outcome().detail());
            }
        }
        // qmail-send keeps two schedules: remote destinations are retried less eagerly.
        RetrySchedule schedule = remoteDeferred ? remoteRetry : retry;
        return schedule.next(message.envelope().receivedAt(), clock.instant());
    }

    /** Queues the report for this attempt's failures; false when it is not durable (they are tried again). */
    private boolean bounce(QueuedMessage message, List<RemoteDelivery.RecipientAttempt> failed) {
        List<FailedRecipient> report = new ArrayList<>();
        for (RemoteDelivery.RecipientAttempt attempt : failed) {
            DeliveryOutcome outcome = attempt.outcome();
            boolean expired = outcome instanceof DeliveryOutcome.Deferred;
            String status = outcome instanceof DeliveryOutcome.Deferred d ? d.status()
                    : ((DeliveryOutcome.Failed) outcome).status();
            report.add(new FailedRecipient(message.envelope().recipients().get(attempt.index()), status,
                    outcome.detail(), attempt.relay(), expired));
        }
        try {
            bouncer.bounce(message, report);
            return true;
        } catch (IOException e) {
            log.error("{}: {}; the failed recipients stay queued", message.id(), e.getMessage());
            return false;
        }
    }

    /**
     * Postfix logs a delivery under the agent that made it, local(8) or smtp(8): children of the
     * scheduler's logger, which PostfixProgramConverter names so; a listener on the parent hears both.
     */
    private static final Logger LOCAL_LOG = LoggerFactory.getLogger(DeliveryScheduler.class.getName() + ".local");
    private static final Logger REMOTE_LOG = LoggerFactory.getLogger(DeliveryScheduler.class.getName() + ".smtp");

    /** Postfix's delivery line, dsn= included, which pflogsumm counts as sent, deferred or bounced. */
    void logOutcome(QueuedMessage message, RemoteDelivery.RecipientAttempt attempt, DeliveryOutcome outcome) {
        String status = outcome instanceof DeliveryOutcome.Delivered ? "sent"
                : outcome instanceof DeliveryOutcome.Deferred ? "deferred" : "bounced";
        String dsn = outcome instanceof DeliveryOutcome.Deferred d ? d.status()
                : outcome instanceof DeliveryOutcome.Failed f ? f.status() : "2.0.0";
        String code = outcome instanceof DeliveryOutcome.Delivered ? "" : dsn + " ";
        double delay = Duration.between(message.envelope().receivedAt(), clock.instant()).toMillis() / 1000.0;
        String line = String.format(Locale.ROOT, "%s: to=<%s>, relay=%s, delay=%.2f, dsn=%s, status=%s (%s%s)",
                message.id(), message.envelope().recipients().get(attempt.index()), attempt.relay(), delay, dsn,
                status, code, outcome.detail());
        metrics.delivery(outcome, attempt.relay(), Duration.between(message.envelope().receivedAt(), clock.instant()));
        Logger agent = attempt.relay().equals("local") ? LOCAL_LOG : REMOTE_LOG;
        if (outcome instanceof DeliveryOutcome.Delivered) {
            agent.info(line);
        } else {
            agent.warn(line);
        }
    }

    /** Keeps the last deferral reason for dirmail queue list; failing to keep it changes nothing else. */
    private void noteDeferred(String id, int index, DeliveryOutcome.Deferred outcome) {
        try {
            queue.noteDeferred(id, index, outcome.status() + " " + outcome.detail());
        } catch (IOException e) {
            log.debug("{}: cannot note the deferral: {}", id, e.toString());
        }
    }
}
