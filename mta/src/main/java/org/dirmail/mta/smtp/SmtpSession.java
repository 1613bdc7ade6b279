package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.PostingDecision;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.RcptAnswers;
import org.dirmail.mta.smtp.MailPath.InvalidPathException;
import org.dirmail.mta.smtp.SmtpCommand.Verb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP server state machine of one connection (RFC 5321 4.1.4 with RFC 3207 STARTTLS and
 * RFC 4954 AUTH): framing and syntax checks first, then sequence, then policy, then the action.
 * Everything the client sends is hostile; the directory, the authenticator and the queue are asked
 * typed questions. Not thread-safe: the handler calls it on the channel's event loop only,
 * including the continuations of {@link SmtpStep.Await}.
 */
final class SmtpSession {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** RFC 5321 4.5.3.1.4: a command line, CRLF included; AUTH responses are held to it too. */
    static final int MAX_COMMAND_OCTETS = 512;

    enum State {
        /** Greeting sent, no EHLO/HELO yet (again, after STARTTLS). */
        GREETED,
        /** EHLO/HELO done, no transaction. */
        READY,
        /** Between a 334 challenge and the client's response: the line is a SASL response. */
        AUTH,
        /** MAIL accepted, no recipient accepted yet. */
        MAIL,
        /** At least one recipient accepted. */
        RCPT,
        /** Between 354 and CRLF.CRLF: lines are message text. */
        DATA,
        /** QUIT or 421 sent; nothing more is read. */
        CLOSED
    }

    private final SmtpSettings settings;
    private final SmtpRole role;
    private final SmtpServices services;
    private final ByteBufAllocator alloc;
    private final ScheduledExecutorService timer;
    private final String clientIp;
    private final RelayPolicy policy;
    private final CommandCounts counts = new CommandCounts();
    private final SmtpAuthentication auth;

    private State state = State.GREETED;
    private String helo;
    private boolean esmtp;
    private int errors;
    private boolean tlsActive;
    // The transaction, cleared by resetTransaction() only.
    private MailPath sender;
    private final List<MailPath> recipients = new ArrayList<>();
    /** The directory's answers at RCPT, by address, for a delivery made before the reply. */
    private final Map<String, RcptAnswers.Answer> answers = new HashMap<>();
    private int rcptAttempts;
    /** MAIL's SIZE= (RFC 1870), 0 when not given. */
    private long declaredSize;
    /** The largest message some accepted recipient takes (mailSizeMax; no limit = Long.MAX_VALUE). */
    private long largestSizeMax;
    private DataReader data;

    /**
     * @param timer    the channel's event loop, for the delay before a failed AUTH is answered
     * @param client   the peer's address from the socket, or null when it has none
     * @param clientIp the same as text, for logs and the {@code Received:} field
     */
    SmtpSession(SmtpSettings settings, SmtpRole role, SmtpServices services, ByteBufAllocator alloc,
            ScheduledExecutorService timer, InetAddress client, String clientIp) {
        this.settings = settings;
        this.role = role;
        this.services = services;
        this.alloc = alloc;
        this.timer = timer;
        this.clientIp = clientIp;
        this.policy = new RelayPolicy(settings, client);
        this.tlsActive = role.implicitTls();
        this.auth = new SmtpAuthentication(settings, services, timer, clientIp,
                reply -> reply(Verb.AUTH, reply), reply -> closing(Verb.AUTH, reply));
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

    /** RFC 3207 4.2: after the handshake we forget everything the client said in clear. */
    void tlsStarted() {
        tlsActive = true;
        helo = null;
        esmtp = false;
        auth.reset();
        resetTransaction();
    }

    /** Handles one framed line. */
    SmtpStep onLine(SmtpLine line) {
        if (state == State.CLOSED) {
            return SmtpStep.SILENT;
        }
        if (state == State.DATA) {
            return onDataLine(line);
        }
        boolean authResponse = state == State.AUTH;
        if (line.tooLong() || line.octets() > MAX_COMMAND_OCTETS || line.bareLineEnd()) {
            SmtpReply refusal = line.bareLineEnd() ? SmtpReply.BARE_LINE_END : SmtpReply.LINE_TOO_LONG;
            if (authResponse) {
                auth.abandon();
                return inAuth(reply(Verb.AUTH, refusal));
            }
            return reply(Verb.UNKNOWN, refusal);
        }
        if (authResponse) {
            return inAuth(auth.respond(line.text()));
        }
        SmtpCommand command = SmtpCommand.parse(line.text());
        String arg = command.argument();
        return switch (command.verb()) {
            case EHLO, HELO -> hello(command.verb(), arg);
            case STARTTLS -> startTls(arg);
            case AUTH -> auth(arg);
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
            case QUIT -> closing(Verb.QUIT, SmtpReply.BYE);
            case VRFY -> reply(Verb.VRFY, arg.isEmpty() ? SmtpReply.SYNTAX_VRFY : SmtpReply.CANNOT_VRFY);
            case HELP -> reply(Verb.HELP, SmtpReply.HELP);
            case HTTP -> {
                log.info("non-SMTP command from unknown[{}]: {}", clientIp, SmtpReply.printable(line.text()));
                yield closing(Verb.HTTP, SmtpReply.NOT_HTTP);
            }
            case UNKNOWN -> reply(Verb.UNKNOWN, SmtpReply.UNKNOWN_COMMAND);
        };
    }

    /** RFC 5321 4.1.1.1: EHLO/HELO start over, whatever the state. */
    private SmtpStep hello(Verb verb, String arg) {
        if (arg.isBlank()) {
            return reply(verb, SmtpReply.SYNTAX_HELO);
        }
        helo = arg;
        esmtp = verb == Verb.EHLO;
        resetTransaction();
        if (!esmtp) {
            return reply(verb, SmtpReply.of(250, "", settings.hostname()));
        }
        List<String> lines = new ArrayList<>(List.of(
                settings.hostname(),
                "PIPELINING", // RFC 2920
                "SIZE " + settings.maxMessageSize(), // RFC 1870
                "8BITMIME")); // RFC 6152
        if (services.tls().isPresent() && !tlsActive) {
            lines.add("STARTTLS"); // RFC 3207 4: only while the connection is in clear
        }
        if (authOffered()) {
            lines.add("AUTH " + AuthExchange.MECHANISMS); // RFC 4954 3
        }
        lines.add("ENHANCEDSTATUSCODES"); // RFC 2034
        return reply(verb, new SmtpReply(250, "", lines));
    }

    private SmtpStep startTls(String arg) {
        if (!arg.isEmpty()) {
            return reply(Verb.STARTTLS, SmtpReply.NO_ARGUMENTS); // RFC 3207 4
        }
        if (tlsActive) {
            return reply(Verb.STARTTLS, SmtpReply.TLS_ALREADY_ACTIVE); // RFC 3207 4.2
        }
        if (services.tls().isEmpty()) {
            return reply(Verb.STARTTLS, SmtpReply.NOT_IMPLEMENTED);
        }
        if (state == State.GREETED) {
            return reply(Verb.STARTTLS, SmtpReply.NEED_HELO);
        }
        if (inTransaction()) {
            return reply(Verb.STARTTLS, SmtpReply.IN_TRANSACTION);
        }
        counts.record(Verb.STARTTLS, true);
        return new SmtpStep.StartTls();
    }

    /** AUTH is offered under TLS; in clear only on MX and only when configured (RFC 4954 4, 15). */
    private boolean authOffered() {
        return tlsActive || (!role.submission() && settings.allowPlaintextAuth());
    }

    private SmtpStep auth(String arg) {
        if (state == State.GREETED) {
            return reply(Verb.AUTH, SmtpReply.NEED_HELO);
        }
        if (!authOffered()) {
            return reply(Verb.AUTH, services.tls().isPresent() ? SmtpReply.NEED_TLS : SmtpReply.AUTH_NOT_ENABLED);
        }
        if (auth.login() != null) {
            return reply(Verb.AUTH, SmtpReply.ALREADY_AUTHENTICATED); // RFC 4954 4
        }
        if (inTransaction()) {
            return reply(Verb.AUTH, SmtpReply.IN_TRANSACTION); // RFC 4954 4
        }
        return inAuth(auth.begin(arg));
    }

    /** After each AUTH line: lines are SASL responses while a challenge is out. */
    private SmtpStep inAuth(SmtpStep step) {
        if (state != State.CLOSED) {
            state = auth.awaitingResponse() ? State.AUTH : State.READY; // AUTH starts outside a transaction
        }
        return step;
    }

    private SmtpStep mail(SmtpCommand command) {
        if (state == State.GREETED) {
            return reply(Verb.MAIL, SmtpReply.NEED_HELO);
        }
        if (inTransaction()) {
            return reply(Verb.MAIL, SmtpReply.NESTED_MAIL);
        }
        if (role.submission() && !tlsActive) {
            return reply(Verb.MAIL, SmtpReply.NEED_TLS); // RFC 3207 4
        }
        if (role.submission() && auth.login() == null) {
            return reply(Verb.MAIL, SmtpReply.AUTH_REQUIRED); // RFC 4954 6, RFC 6409 4.3
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
        if (auth.login() != null && !policy.mayUseSender(auth.login().addresses(), path)) {
            SmtpReply notOwned = SmtpReply.senderNotOwned(path, auth.login().name());
            logReject("MAIL", notOwned, path, null);
            return reply(Verb.MAIL, notOwned);
        }
        sender = path;
        declaredSize = argument.get().declaredSize();
        state = State.MAIL;
        return reply(Verb.MAIL, SmtpReply.SENDER_OK);
    }

    private SmtpStep rcpt(SmtpCommand command) {
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
        switch (policy.recipient(path, auth.login() != null)) {
            case DENY:
                return rejectRecipient(path, SmtpReply.RELAY_DENIED.prefixed(path.toString()));
            case RELAY:
                return accepted(path, 0);
            default:
                return new SmtpStep.Await<>(resolve(path.address()),
                        (lookup, failure) -> resolved(path, lookup, failure));
        }
    }

    /** The directory's answer, back on the event loop. Only NotFound and the status are permanent. */
    private SmtpStep resolved(MailPath path, Lookup lookup, Throwable failure) {
        if (failure != null) {
            lookup = new Lookup.TempFail(String.valueOf(failure));
        }
        if (lookup instanceof Lookup.Found found) {
            answers.put(path.address(), new RcptAnswers.Answer(found, System.nanoTime()));
            switch (found.user().accountStatus()) {
                case DISABLED:
                    return rejectRecipient(path, SmtpReply.MAILBOX_DISABLED.prefixed(path.toString()));
                case DELETED:
                    return rejectRecipient(path, SmtpReply.USER_UNKNOWN.prefixed(path.toString()));
                default:
                    return found.user().group().isPresent() ? group(path, found.user().group().get())
                            : checkMailbox(path, found);
            }
        }
        if (lookup instanceof Lookup.TempFail tempFail) {
            log.warn("directory tempfail for {} from unknown[{}]: {}", path, clientIp, tempFail.reason());
            return rejectRecipient(path, SmtpReply.DIRECTORY_TEMPFAIL.prefixed(path.toString()));
        }
        return rejectRecipient(path, SmtpReply.USER_UNKNOWN.prefixed(path.toString()));
    }

    /** A group found at RCPT: the policy hook, asked off the event loop like the lookup itself. */
    private SmtpStep group(MailPath path, MailGroup group) {
        if (group.needsSecretary()) {
            log.warn("group {} needs moderation or sender confirmation, which dirmail does not do: {} refused",
                    group.dn(), path);
            return rejectRecipient(path, SmtpReply.GROUP_NEEDS_SECRETARY.prefixed(path.toString()));
        }
        if (!group.membersOnly()) {
            return accepted(path, 0);
        }
        return new SmtpStep.Await<>(mayPost(group, sender.address()),
                (decision, failure) -> posting(path, decision, failure));
    }

    /** The members-only answer, back on the event loop. Only Refused is permanent. */
    private SmtpStep posting(MailPath path, PostingDecision decision, Throwable failure) {
        if (failure != null) {
            decision = new PostingDecision.TempFail(String.valueOf(failure), false);
        }
        if (decision instanceof PostingDecision.Allowed) {
            return accepted(path, 0);
        }
        if (decision instanceof PostingDecision.Refused refused) {
            log.info("{} may not post to {}: {}", sender, path, refused.detail());
            return rejectRecipient(path, SmtpReply.MEMBERS_ONLY.prefixed(path.toString()));
        }
        log.warn("members-only check of {} failed for {} from unknown[{}]: {}", path, sender, clientIp, decision.detail());
        return rejectRecipient(path, SmtpReply.DIRECTORY_TEMPFAIL.prefixed(path.toString()));
    }

    /**
     * Beyond qmail-ldap, which checks neither at SMTP time: a SIZE= above the entry's mailSizeMax
     * is 552 (RFC 1870 6.1), a full mailbox 452 (the quota service reads maildirsize off the event
     * loop). Refusing now means no bounce later.
     */
    private SmtpStep checkMailbox(MailPath path, Lookup.Found found) {
        long sizeMax = found.user().sizeMax();
        if (sizeMax > 0 && declaredSize > sizeMax) {
            return rejectRecipient(path, SmtpReply.RECIPIENT_SIZE_EXCEEDED.prefixed(path.toString()));
        }
        return new SmtpStep.Await<>(hasRoom(found), (room, failure) -> {
            if (failure != null) {
                // Unknown is not full: delivery checks the quota again.
                log.warn("quota check failed for {} from unknown[{}]: {}", path, clientIp, String.valueOf(failure));
            } else if (!Boolean.TRUE.equals(room)) {
                return rejectRecipient(path, SmtpReply.MAILBOX_FULL.prefixed(path.toString()));
            }
            return accepted(path, sizeMax);
        });
    }

    /** @param sizeMax the recipient's mailSizeMax, 0 = no limit */
    private SmtpStep accepted(MailPath path, long sizeMax) {
        recipients.add(path);
        largestSizeMax = Math.max(largestSizeMax, sizeMax == 0 ? Long.MAX_VALUE : sizeMax);
        state = State.RCPT;
        return reply(Verb.RCPT, SmtpReply.RECIPIENT_OK);
    }

    private SmtpStep rejectRecipient(MailPath path, SmtpReply reply) {
        logReject("RCPT", reply, sender, path);
        return reply(Verb.RCPT, reply);
    }

    private SmtpStep data(String arg) {
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
        return new SmtpStep.Reply(SmtpReply.START_DATA, false); // counted when the data ends
    }

    private SmtpStep onDataLine(SmtpLine line) {
        if (!data.offer(line)) {
            return SmtpStep.SILENT;
        }
        MailPath onlyRecipient = recipients.size() == 1 ? recipients.get(0) : null;
        Optional<SmtpReply> rejection = data.rejection();
        if (rejection.isPresent()) {
            logReject("END-OF-MESSAGE", rejection.get(), sender, onlyRecipient);
            resetTransaction();
            return reply(Verb.DATA, rejection.get());
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] received = ReceivedHeader.format(helo, esmtp, tlsActive, auth.login() != null, clientIp,
                settings.hostname(), onlyRecipient, now);
        if (received.length + data.size() > largestSizeMax) {
            // Sized as delivery will see it, Received: included. Some recipient taking it is
            // enough: delivery then fails only those it is too large for (5.3.4).
            logReject("END-OF-MESSAGE", SmtpReply.SIZE_EXCEEDS_ALL_RECIPIENTS, sender, onlyRecipient);
            resetTransaction();
            return reply(Verb.DATA, SmtpReply.SIZE_EXCEEDS_ALL_RECIPIENTS);
        }
        ByteBuf message = alloc.compositeBuffer(2)
                .addComponents(true, Unpooled.wrappedBuffer(received), data.take());
        Envelope envelope = new Envelope(sender.address(),
                recipients.stream().map(MailPath::address).toList(), clientIp, now.toInstant());
        String from = sender.toString();
        int size = message.readableBytes();
        String user = auth.login() == null ? "" : ", sasl_username=" + SmtpReply.printable(auth.login().name());
        RcptAnswers answered = new RcptAnswers(answers);
        resetTransaction(); // the message buffer now belongs to the queue
        // Postfix's smtpd line, which pflogsumm counts as "received", before the queue's from=, size=,
        // nrcpt= line for the same id. No reverse lookup is done: the client name is Postfix's "unknown".
        Consumer<String> named = id -> log.info("{}: client=unknown[{}]{}", id, clientIp, user);
        return new SmtpStep.Await<>(enqueue(envelope, message, named, answered), (id, failure) -> {
            if (failure != null) {
                log.warn("queue write failed from unknown[{}]: from={}, size={}, nrcpt={}: {}",
                        clientIp, from, size, envelope.recipients().size(), String.valueOf(failure));
                return reply(Verb.DATA, SmtpReply.QUEUE_FAILED);
            }
            services.metrics().messageAccepted(size);
            return reply(Verb.DATA, SmtpReply.of(250, "2.0.0", "Ok: queued as " + id));
        });
    }

    /** RFC 5321 4.1.1.5: RSET, EHLO, HELO and STARTTLS clear the transaction. Frees the message buffer. */
    private void resetTransaction() {
        sender = null;
        recipients.clear();
        answers.clear();
        rcptAttempts = 0;
        declaredSize = 0;
        largestSizeMax = 0;
        if (data != null) {
            data.release();
            data = null;
        }
        state = helo == null ? State.GREETED : State.READY;
    }

    private boolean inTransaction() {
        return state == State.MAIL || state == State.RCPT;
    }

    /** After MAIL and until the transaction ends: in DATA too (a stopping server waits for these). */
    boolean transactionOpen() {
        return inTransaction() || state == State.DATA;
    }

    /** Every command's final reply passes here: tallies, and the error limit (421 replaces the 5xx). */
    private SmtpStep reply(Verb verb, SmtpReply reply) {
        counts.record(verb, reply.isPositive());
        if (reply.isPermanentError() && ++errors >= settings.maxErrors()) {
            log.info("too many errors from unknown[{}]", clientIp);
            close();
            return new SmtpStep.Reply(SmtpReply.TOO_MANY_ERRORS, true);
        }
        return new SmtpStep.Reply(reply, false);
    }

    /** A reply after which the connection closes: QUIT, and refusals that end the session. */
    private SmtpStep closing(Verb verb, SmtpReply reply) {
        counts.record(verb, reply.isPositive());
        close();
        return new SmtpStep.Reply(reply, true);
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
            return services.resolver().resolve(address);
        } catch (RuntimeException e) { // the contract says it never throws; a bug must still be a 4xx
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<PostingDecision> mayPost(MailGroup group, String from) {
        try {
            return services.groups().mayPost(group, from);
        } catch (RuntimeException e) { // as for resolve(): a bug must still be a 4xx
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Boolean> hasRoom(Lookup.Found found) {
        try {
            return services.mailboxes().hasRoom(found, declaredSize);
        } catch (RuntimeException e) { // a bug must not cost the session: treated as "unknown"
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named,
            RcptAnswers answered) {
        try {
            return services.queue().enqueue(envelope, message, named, answered);
        } catch (RuntimeException e) { // ownership passed with the call: do not release here
            return CompletableFuture.failedFuture(e);
        }
    }

    private void logReject(String stage, SmtpReply reply, MailPath from, MailPath to) {
        log.info("NOQUEUE: reject: {} from unknown[{}]: {}; from={}{} proto={} helo=<{}>",
                stage, clientIp, reply.summary(), from, to == null ? "" : " to=" + to,
                esmtp ? "ESMTP" : "SMTP", ReceivedHeader.sanitize(helo == null ? "" : helo));
    }
}
