package org.dirmail.mta.queue;

import java.util.Map;
import java.util.Optional;
import org.dirmail.directory.Lookup;

/**
 * The directory's answers an SMTP session got at RCPT for the recipients it accepted, each with
 * the {@link System#nanoTime} it arrived at. Delivery made before the reply may use an answer
 * that is young enough instead of asking again; a queued message is always looked up afresh.
 */
public record RcptAnswers(Map<String, Answer> byRecipient) {

    /** One recipient's answer and when it arrived. */
    public record Answer(Lookup lookup, long answeredNanos) {
    }

    /** No answers: every delivery asks the directory. */
    public static final RcptAnswers NONE = new RcptAnswers(Map.of());

    public RcptAnswers {
        byRecipient = Map.copyOf(byRecipient);
    }

    /** The answer for {@code recipient} if it is at most {@code maxAgeNanos} old at {@code nowNanos}. */
    public Optional<Lookup> fresh(String recipient, long nowNanos, long maxAgeNanos) {
        Answer a = byRecipient.get(recipient);
        return a != null && nowNanos - a.answeredNanos() <= maxAgeNanos ? Optional.of(a.lookup()) : Optional.empty();
    }
}
