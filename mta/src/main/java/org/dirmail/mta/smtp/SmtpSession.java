package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.smtp.MailPath.InvalidPathException;
import org.dirmail.mta.smtp.SmtpCommand.Verb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP server state machine of one connection (RFC 5321 4.1.4): framing and syntax checks
 * first, then sequence, then policy, then the action. Everything the client sends is hostile;
 * the directory and the queue are asked typed questions. Not thread-safe: the handler calls it
 * on the channel's event loop only, including the continuations of {@link Step.Await}.
 */
final class SmtpSession {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** RFC 5321 4.5.3.1.4: a command line, CRLF included. */
    static final int MAX_COMMAND_OCTETS = 512;

    enum State {
        /** Greeting sent, no EHLO/HELO yet. */
        GREETED,
        /** EHLO/HELO done, no transaction. */
        READY,
        /** MAIL accepted, no recipient accepted yet. */
        MAIL,
        /** At least one recipient accepted. */
        RCPT,
        /** Between 354 and CRLF.CRLF: lines are message text. */
        DATA,
        /** QUIT or 421 sent; nothing more is read. */
        CLOSED
    }

    /** What the handler must do after a line. */
    sealed interface Step permits Step.Reply, Step.Silent, Step.Await {
        /** Write the reply; then close the connection when {@code close}. */
        record Reply(SmtpReply reply, boolean close) implements Step {
        }

        /** A message line: nothing to say yet. */
        record Silent() implements Step {
        }

        /**
         * Stop reading until {@code stage} completes, then call {@code then} on the event loop
         * (with the value or the failure) for the next step.
         */
        record Await<T>(CompletionStage<T> stage, BiFunction<T, Throwable, Step> then) implements Step {
        }
    }

    private static final Step SILENT = new Step.Silent();

    private final SmtpSettings settings;
    private final RecipientResolver resolver;
    private final MessageQueue queue;
    private final ByteBufAllocator alloc;
    private final String clientIp;
    private final CommandCounts counts = new CommandCounts();

    private State state = State.GREETED;
    private String helo;
    private boolean esmtp;
    private int errors;
    // The transaction, cleared by resetTransaction() only.
    private MailPath sender;
    private final List<MailPath> recipients = new ArrayList<>();
    private int rcptAttempts;
    private DataReader data;

    SmtpSession(SmtpSettings settings, RecipientResolver resolver, MessageQueue queue,
            ByteBufAllocator alloc, String clientIp) {
        this.settings = settings;
        this.resolver = resolver;
        this.queue = queue;
        this.alloc = alloc;
        this.clientIp = clientIp;
    }

    /** RFC 5321 4.3.1; no enhanced code in the greeting (RFC 2034 3). */
    SmtpReply greeting() {
        return SmtpReply.of(220, "", settings.hostname() + " ESMTP dirmail");
    }

    State state() {
        return state;
    }

    /** The Postfix-style command tallies for the disconnect log line. */
    String counts() {
        return counts.toString();
    }

    /** The connection is gone or going: free the message buffer. Idempotent. */
    void close() {
        resetTransaction();
        state = State.CLOSED;
    }

    /** Handles one framed line. */
    Step onLine(SmtpLine line) {
        if (state == State.CLOSED) {
            return SILENT;
        }
        if (state == State.DATA) {
            return onDataLine(line);
        }
        if (line.tooLong() || line.octets() > MAX_COMMAND_OCTETS) {
            return reply(Verb.UNKNOWN, SmtpReply.LINE_TOO_LONG);
        }
        if (line.bareLineEnd()) {
            return reply(Verb.UNKNOWN, SmtpReply.BARE_LINE_END);
        }
        SmtpCommand command = SmtpCommand.parse(line.text());
        String arg = command.argument();
        return switch (command.verb()) {
            case EHLO, HELO -> hello(command.verb(), arg);
            case MAIL -> mail(command);
            case RCPT -> rcpt(command);
            case DATA -> data(arg);
            case RSET -> {
                if (!arg.isEmpty()) {
                    yield reply(Verb.RSET, SmtpReply.NO_ARGUMENTS);
                }
                resetTransaction();
                yield reply(Verb.RSET, SmtpReply.OK);
            }
            case NOOP -> reply(Verb.NOOP, SmtpReply.OK); // RFC 5321 4.1.1.9: argument ignored
            case QUIT -> {
                counts.record(Verb.QUIT, true);
                close();
                yield new Step.Reply(SmtpReply.BYE, true);
            }
            case VRFY -> reply(Verb.VRFY, arg.isEmpty() ? SmtpReply.SYNTAX_VRFY : SmtpReply.CANNOT_VRFY);
            case HELP -> reply(Verb.HELP, SmtpReply.HELP);
            case UNKNOWN -> reply(Verb.UNKNOWN, SmtpReply.UNKNOWN_COMMAND);
        };
    }

    /** RFC 5321 4.1.1.1: EHLO/HELO start over, whatever the state. */
    private Step hello(Verb verb, String arg) {
        if (arg.isBlank()) {
            return reply(verb, SmtpReply.SYNTAX_HELO);
        }
        helo = arg;
        esmtp = verb == Verb.EHLO;
        resetTransaction();
        if (!esmtp) {
            return reply(verb, SmtpReply.of(250, "", settings.hostname()));
        }
        return reply(verb, new SmtpReply(250, "", List.of(
                settings.hostname(),
                "PIPELINING", // RFC 2920
                "SIZE " + settings.maxMessageSize(), // RFC 1870
                "8BITMIME", // RFC 6152
                "ENHANCEDSTATUSCODES"))); // RFC 2034
    }

    private Step mail(SmtpCommand command) {
        if (state == State.GREETED) {
            return reply(Verb.MAIL, SmtpReply.NEED_HELO);
        }
        if (inTransaction()) {
            return reply(Verb.MAIL, SmtpReply.NESTED_MAIL);
        }
        String text = command.afterKeyword("FROM:");
        if (text == null) {
            return reply(Verb.MAIL, SmtpReply.SYNTAX_MAIL);
        }
        Optional<MailArgument> argument = MailArgument.split(text);
        if (argument.isEmpty()) {
            return reply(Verb.MAIL, SmtpReply.BAD_SENDER);
        }
        MailPath path;
        try {
            path = MailPath.parse(argument.get().path(), true);
        } catch (InvalidPathException e) {
            return reply(Verb.MAIL,
                    pathProblem(e, SmtpReply.BAD_SENDER, SmtpReply.PATH_TOO_LONG_SENDER));
        }
        Optional<SmtpReply> refusal = argument.get().mailParameterProblem(settings.maxMessageSize());
        if (refusal.isPresent()) {
            if (refusal.get() == SmtpReply.SIZE_EXCEEDED) {
                logReject("MAIL", refusal.get(), path, null);
            }
            return reply(Verb.MAIL, refusal.get());
        }
        sender = path;
        state = State.MAIL;
        return reply(Verb.MAIL, SmtpReply.SENDER_OK);
    }

    private Step rcpt(SmtpCommand command) {
        if (!inTransaction()) {
            return reply(Verb.RCPT, SmtpReply.NEED_MAIL);
        }
        rcptAttempts++;
        String text = command.afterKeyword("TO:");
        if (text == null) {
            return reply(Verb.RCPT, SmtpReply.SYNTAX_RCPT);
        }
        Optional<MailArgument> argument = MailArgument.split(text);
        if (argument.isEmpty()) {
            return reply(Verb.RCPT, SmtpReply.BAD_RECIPIENT);
        }
        MailPath path;
        try {
            path = MailPath.parse(argument.get().path(), false);
        } catch (InvalidPathException e) {
            return reply(Verb.RCPT,
                    pathProblem(e, SmtpReply.BAD_RECIPIENT, SmtpReply.PATH_TOO_LONG_RECIPIENT));
        }
        if (!argument.get().parameters().isEmpty()) {
            boolean wellFormed = argument.get().parameterMap().isPresent();
            // RFC 5321 4.1.1.3: we advertise no RCPT parameter, so any is unknown
            return reply(Verb.RCPT,
                    wellFormed ? SmtpReply.UNKNOWN_PARAMETER : SmtpReply.BAD_PARAMETER_VALUE);
        }
        if (recipients.size() >= settings.maxRecipients()) {
            return rejectRecipient(path, SmtpReply.TOO_MANY_RECIPIENTS);
        }
        if (!settings.isLocalDomain(path.domain())) {
            return rejectRecipient(path, SmtpReply.RELAY_DENIED.prefixed(path.toString()));
        }
        return new Step.Await<>(resolve(path.address()),
                (lookup, failure) -> resolved(path, lookup, failure));
    }

    /** The directory's answer, back on the event loop. Only NotFound and the status are permanent. */
    private Step resolved(MailPath path, Lookup lookup, Throwable failure) {
        if (failure != null) {
            lookup = new Lookup.TempFail(String.valueOf(failure));
        }
        if (lookup instanceof Lookup.Found found) {
            switch (found.user().accountStatus()) {
                case DISABLED:
                    return rejectRecipient(path, SmtpReply.MAILBOX_DISABLED.prefixed(path.toString()));
                case DELETED:
                    return rejectRecipient(path, SmtpReply.USER_UNKNOWN.prefixed(path.toString()));
                default:
                    recipients.add(path);
                    state = State.RCPT;
                    return reply(Verb.RCPT, SmtpReply.RECIPIENT_OK);
            }
        }
        if (lookup instanceof Lookup.TempFail tempFail) {
            log.warn("directory tempfail for {} from [{}]: {}", path, clientIp, tempFail.reason());
            return rejectRecipient(path, SmtpReply.DIRECTORY_TEMPFAIL.prefixed(path.toString()));
        }
        return rejectRecipient(path, SmtpReply.USER_UNKNOWN.prefixed(path.toString()));
    }

    private Step rejectRecipient(MailPath path, SmtpReply reply) {
        logReject("RCPT", reply, sender, path);
        return reply(Verb.RCPT, reply);
    }

    private Step data(String arg) {
        if (!arg.isEmpty()) {
            return reply(Verb.DATA, SmtpReply.NO_ARGUMENTS);
        }
        if (!inTransaction()) {
            return reply(Verb.DATA, SmtpReply.NEED_MAIL);
        }
        if (recipients.isEmpty()) {
            return reply(Verb.DATA,
                    rcptAttempts == 0 ? SmtpReply.NEED_RCPT : SmtpReply.NO_VALID_RECIPIENTS);
        }
        data = new DataReader(alloc, settings.maxMessageSize());
        state = State.DATA;
        return new Step.Reply(SmtpReply.START_DATA, false); // counted when the data ends
    }

    private Step onDataLine(SmtpLine line) {
        if (!data.offer(line)) {
            return SILENT;
        }
        MailPath onlyRecipient = recipients.size() == 1 ? recipients.get(0) : null;
        Optional<SmtpReply> rejection = data.rejection();
        if (rejection.isPresent()) {
            logReject("END-OF-MESSAGE", rejection.get(), sender, onlyRecipient);
            resetTransaction();
            return reply(Verb.DATA, rejection.get());
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] received =
                ReceivedHeader.format(helo, esmtp, clientIp, settings.hostname(), onlyRecipient, now);
        ByteBuf message = alloc.compositeBuffer(2)
                .addComponents(true, Unpooled.wrappedBuffer(received), data.take());
        Envelope envelope = new Envelope(sender.address(),
                recipients.stream().map(MailPath::address).toList(), clientIp, now.toInstant());
        String from = sender.toString();
        int size = message.readableBytes();
        resetTransaction(); // the message buffer now belongs to the queue
        return new Step.Await<>(enqueue(envelope, message), (id, failure) -> {
            if (failure != null) {
                log.warn("queue write failed from [{}]: from={}, size={}, nrcpt={}: {}",
                        clientIp, from, size, envelope.recipients().size(), String.valueOf(failure));
                return reply(Verb.DATA, SmtpReply.QUEUE_FAILED);
            }
            // The queue logs from=, size= and nrcpt= for this id; this line ties it to the client.
            log.info("{}: client=[{}], helo=<{}>", id, clientIp, ReceivedHeader.sanitize(helo));
            return reply(Verb.DATA, SmtpReply.of(250, "2.0.0", "Ok: queued as " + id));
        });
    }

    /** RFC 5321 4.1.1.5: RSET, EHLO and HELO all clear the transaction. Frees the message buffer. */
    private void resetTransaction() {
        sender = null;
        recipients.clear();
        rcptAttempts = 0;
        if (data != null) {
            data.release();
            data = null;
        }
        state = helo == null ? State.GREETED : State.READY;
    }

    private boolean inTransaction() {
        return state == State.MAIL || state == State.RCPT;
    }

    /** Every command's final reply passes here: tallies, and the error limit (421 replaces the 5xx). */
    private Step reply(Verb verb, SmtpReply reply) {
        counts.record(verb, reply.isPositive());
        if (reply.isPermanentError() && ++errors >= settings.maxErrors()) {
            log.info("too many errors from [{}]", clientIp);
            close();
            return new Step.Reply(SmtpReply.TOO_MANY_ERRORS, true);
        }
        return new Step.Reply(reply, false);
    }

    private static SmtpReply pathProblem(InvalidPathException e, SmtpReply syntax, SmtpReply tooLong) {
        return switch (e.problem()) {
            case SYNTAX -> syntax;
            case TOO_LONG -> tooLong;
            case NON_ASCII -> SmtpReply.NON_ASCII_ADDRESS;
        };
    }

    private CompletionStage<Lookup> resolve(String address) {
        try {
            return resolver.resolve(address);
        } catch (RuntimeException e) { // the contract says it never throws; a bug must still be a 4xx
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<String> enqueue(Envelope envelope, ByteBuf message) {
        try {
            return queue.enqueue(envelope, message);
        } catch (RuntimeException e) { // ownership passed with the call: do not release here
            return CompletableFuture.failedFuture(e);
        }
    }

    private void logReject(String stage, SmtpReply reply, MailPath from, MailPath to) {
        log.info("NOQUEUE: reject: {} from [{}]: {}; from={}{} proto={} helo=<{}>",
                stage, clientIp, reply.summary(), from, to == null ? "" : " to=" + to,
                esmtp ? "ESMTP" : "SMTP", ReceivedHeader.sanitize(helo == null ? "" : helo));
    }
}
