package org.dirmail.mta.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.remote.RecipientStatus;
import org.dirmail.mta.remote.RemoteResult;
import org.dirmail.mta.remote.RemoteTransaction;
import org.dirmail.mta.remote.RemoteTransport;

/**
 * Sends a queued message to the recipients outside the local domains: one SMTP transaction per
 * destination domain, carrying all of that domain's recipients (RFC 5321 3.3). Asynchronous: no
 * thread waits while a transaction runs; the transport's own timeouts bound it, and it trusts the
 * transport only to answer, never to answer in time (a backstop defers).
 */
final class RemoteDelivery {

    /** A backstop above the transport's own timeouts; reaching it defers, never bounces. */
    private static final long BACKSTOP_MINUTES = 30;

    private final RemoteTransport transport;
    private final Executor starter;

    /**
     * @param starter where transactions begin: the completion of another may run on an I/O thread,
     *                and the transport's first steps should not run there
     */
    RemoteDelivery(RemoteTransport transport, Executor starter) {
        this.transport = transport;
        this.starter = starter;
    }

    /** {@code indexes} (non-local recipients of {@code message}) by destination domain, in first-seen order. */
    static Map<String, List<Integer>> byDomain(QueuedMessage message, List<Integer> indexes) {
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        for (int i : indexes) {
            String rcpt = message.envelope().recipients().get(i);
            byDomain.computeIfAbsent(Router.domainOf(rcpt), d -> new ArrayList<>()).add(i);
        }
        return byDomain;
    }

    /** One transaction to {@code domain}; completes, never exceptionally, with an outcome per recipient. */
    CompletableFuture<List<RecipientAttempt>> deliver(QueuedMessage message, String domain, List<Integer> indexes) {
        List<String> rcpts = indexes.stream().map(i -> message.envelope().recipients().get(i)).toList();
        RemoteTransaction tx = new RemoteTransaction(domain, message.envelope().wireSender(), rcpts, message.message(),
                message.id());
        CompletableFuture<RemoteResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> transport.deliver(tx), starter).thenCompose(stage -> stage);
        } catch (RejectedExecutionException e) {
            result = CompletableFuture.completedFuture(null); // shutting down: deferred, stays queued
        }
        return result.completeOnTimeout(null, BACKSTOP_MINUTES, TimeUnit.MINUTES)
                .handle((r, error) -> attempts(error == null ? r : null, indexes, rcpts));
    }

    private static List<RecipientAttempt> attempts(RemoteResult result, List<Integer> indexes, List<String> rcpts) {
        List<RecipientAttempt> attempts = new ArrayList<>();
        for (int k = 0; k < indexes.size(); k++) {
            RecipientStatus status = result == null ? null : result.perRecipient().get(rcpts.get(k));
            String relay = result == null ? RemoteResult.NO_MTA : result.remoteMta();
            attempts.add(new RecipientAttempt(indexes.get(k), relay, outcome(status)));
        }
        return attempts;
    }

    private static DeliveryOutcome outcome(RecipientStatus status) {
        if (status == null) {
            return new DeliveryOutcome.Deferred("4.4.7", "remote delivery attempt did not finish");
        }
        String text = status.text();
        if (status instanceof RecipientStatus.Delivered) {
            return new DeliveryOutcome.Delivered(text);
        }
        if (status instanceof RecipientStatus.Failed) {
            return new DeliveryOutcome.Failed(status.enhanced(), text);
        }
        return new DeliveryOutcome.Deferred(status.enhanced(), text);
    }

    /** One recipient's outcome and the server (or {@code local}) that gave it, for the log. */
    record RecipientAttempt(int index, String relay, DeliveryOutcome outcome) {
    }
}
