package org.dirmail.mta.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dirmail.mta.queue.QueuedMessage;

/**
 * One attempt of one message, split into parts that run on different executors (each local
 * recipient, each remote destination). It collects their outcomes and says which report was the
 * last, so exactly one caller makes the attempt's "what next" decision, after every outcome is in.
 * Thread-safe.
 */
final class MessageAttempt {

    private final QueuedMessage message;
    private final List<RemoteDelivery.RecipientAttempt> outcomes = new ArrayList<>();
    private int parts;

    /** @param parts how many {@link #report} calls the attempt waits for */
    MessageAttempt(QueuedMessage message, int parts) {
        if (parts <= 0) {
            throw new IllegalArgumentException("an attempt has at least one part");
        }
        this.message = message;
        this.parts = parts;
    }

    QueuedMessage message() {
        return message;
    }

    /** Records one part's outcomes; true for exactly one call, the last part's. */
    synchronized boolean report(List<RemoteDelivery.RecipientAttempt> partOutcomes) {
        if (parts == 0) {
            throw new IllegalStateException(message.id() + ": more reports than parts");
        }
        outcomes.addAll(partOutcomes);
        return --parts == 0;
    }

    /** Every outcome, in recipient order; only complete after the last {@link #report}. */
    synchronized List<RemoteDelivery.RecipientAttempt> outcomes() {
        List<RemoteDelivery.RecipientAttempt> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(RemoteDelivery.RecipientAttempt::index));
        return sorted;
    }
}
