package org.dirmail.mta.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.remote.RecipientStatus;
import org.dirmail.mta.remote.RemoteResult;
import org.dirmail.mta.remote.RemoteTransaction;
import org.dirmail.mta.remote.RemoteTransport;

/**
 * Sends a queued message to the recipients outside the local domains: one SMTP transaction per
 * destination domain, carrying all of that domain's recipients (RFC 5321 3.3). Runs on delivery
 * threads and waits for the transport, whose own timeouts bound each attempt.
 */
final class RemoteDelivery {

    /** A backstop above the transport's own timeouts; reaching it defers, never bounces. */
    private static final long BACKSTOP_MINUTES = 30;

    private final RemoteTransport transport;

    RemoteDelivery(RemoteTransport transport) {
        this.transport = transport;
    }

    /** What happened to each of {@code indexes} (all non-local recipients of {@code message}). */
    List<RecipientAttempt> deliver(QueuedMessage message, List<Integer> indexes) {
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        for (int i : indexes) {
            String rcpt = message.envelope().recipients().get(i);
            byDomain.computeIfAbsent(Router.domainOf(rcpt), d -> new ArrayList<>()).add(i);
        }
        List<RecipientAttempt> attempts = new ArrayList<>();
        byDomain.forEach((domain, domainIndexes) -> attempts.addAll(deliverDomain(message, domain, domainIndexes)));
        return attempts;
    }

    private List<RecipientAttempt> deliverDomain(QueuedMessage message, String domain, List<Integer> indexes) {
        List<String> rcpts = indexes.stream().map(i -> message.envelope().recipients().get(i)).toList();
        RemoteTransaction tx = new RemoteTransaction(domain, message.envelope().wireSender(), rcpts, message.message(),
                message.id());
        RemoteResult result;
        try {
            result = transport.deliver(tx).toCompletableFuture().get(BACKSTOP_MINUTES, TimeUnit.MINUTES);
        } catch (TimeoutException | ExecutionException e) {
            result = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = null;
        }
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
