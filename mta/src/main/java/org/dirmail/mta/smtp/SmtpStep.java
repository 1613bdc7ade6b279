package org.dirmail.mta.smtp;

import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * What {@link SmtpServerHandler} must do after {@link SmtpSession} has handled a line: the
 * session decides, the handler touches the channel.
 */
sealed interface SmtpStep permits SmtpStep.Reply, SmtpStep.Silent, SmtpStep.Await, SmtpStep.StartTls {

    /** A message line: nothing to say yet. */
    SmtpStep SILENT = new Silent();

    /** Write the reply; then close the connection when {@code close}. */
    record Reply(SmtpReply reply, boolean close) implements SmtpStep {
    }

    /** Nothing to write. */
    record Silent() implements SmtpStep {
    }

    /**
     * Stop reading until {@code stage} completes, then call {@code then} on the event loop (with
     * the value or the failure) for the next step.
     */
    record Await<T>(CompletionStage<T> stage, BiFunction<T, Throwable, SmtpStep> then) implements SmtpStep {
    }

    /**
     * Say {@link SmtpReply#READY_FOR_TLS} in clear and start the handshake, unless the client sent
     * anything after the command; after the handshake call {@link SmtpSession#tlsStarted()}
     * (RFC 3207 4.2).
     */
    record StartTls() implements SmtpStep {
    }
}
