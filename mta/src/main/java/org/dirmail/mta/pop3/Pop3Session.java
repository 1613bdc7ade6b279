package org.dirmail.mta.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.dirmail.mta.pop3.Pop3Mailbox.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POP3 state machine of one connection (RFC 1939 3): framing checks first, then the state,
 * then the arguments, then the action. AUTHORIZATION takes USER/PASS, AUTH PLAIN (RFC 5034) and
 * STLS (RFC 2595); TRANSACTION works on the locked maildrop; QUIT there is the UPDATE state. The
 * client is hostile; the directory is asked through {@link Pop3Login}. Not thread-safe: the
 * handler calls it on the channel's event loop only, continuations included.
 */
final class Pop3Session {

    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);

    /** RFC 2449 4: a command line, CRLF included. */
    static final int MAX_COMMAND_OCTETS = 255;

    enum State {
        /** Greeting sent, not logged in (RFC 1939 4). */
        AUTHORIZATION,
        /** Logged in, maildrop locked (RFC 1939 5). */
        TRANSACTION,
        /** QUIT, a fatal error or the connection is gone; nothing more is read. */
        CLOSED
    }

    /** What the handler must do after a line. */
    sealed interface Step permits Step.Reply, Step.Silent, Step.Await, Step.StartTls, Step.Stream, Step.Relay {
        /** Write the reply; then close the connection when {@code close}. */
        record Reply(Pop3Reply reply, boolean close) implements Step {
        }

        /** Nothing to say: the session is closed. */
        record Silent() implements Step {
        }

        /** Stop reading until {@code stage} completes, then call {@code then} on the event loop. */
        record Await<T>(CompletionStage<T> stage, BiFunction<T, Throwable, Step> then) implements Step {
        }

        /**
         * STLS accepted (RFC 2595 4): unless more input is already buffered (then refuse and close),
         * reply {@link Pop3Reply#BEGIN_TLS}, start TLS and call {@link #tlsStarted}.
         */
        record StartTls() implements Step {
        }

        /** Write {@code status}, then the worker's chunks up to the last; then run {@code sent}. */
        record Stream(Pop3Reply status, MailboxWorker worker, Runnable sent) implements Step {
        }

        /** The user's node took the login: from now on the connection is relayed there, byte for byte. */
        record Relay(Pop3ProxyConnector.Connected node) implements Step {
        }
    }

    private static final Step SILENT = new Step.Silent();

    private final Pop3Settings settings;
    private final Pop3Login login;
    private final MailboxWorker worker;
    private final String clientIp;
    private final boolean tlsOffered;

    private State state = State.AUTHORIZATION;
    private boolean tlsActive;
    private int badCommands;
    // AUTHORIZATION: reset by resetAuthorization() only.
    private String pendingUser;
    private boolean saslPending;
    /** XHOP: another node proxied this login here; it must not be proxied again. */
    private boolean proxied;
    /** A login in progress, so that a node it reaches after the client left is let go. */
    private CompletionStage<Pop3Login.Outcome> pendingLogin;
    // TRANSACTION
    private Pop3Mailbox mailbox;
    private int retrieved;

    /**
     * @param tlsOffered STLS may be offered (a TLS engine exists and this is not POP3S)
     * @param tlsActive  the connection is already TLS (POP3S)
     */
    Pop3Session(Pop3Settings settings, Pop3Login login, MailboxWorker worker, String clientIp,
            boolean tlsOffered, boolean tlsActive) {
        this.settings = settings;
        this.login = login;
        this.worker = worker;
        this.clientIp = clientIp;
        this.tlsOffered = tlsOffered;
        this.tlsActive = tlsActive;
    }

    State state() {
        return state;
    }

    /** For the disconnect log line. */
    String summary() {
        return mailbox == null ? "state=" + state
                : "maildir=" + mailbox.maildir() + " retr=" + retrieved + " dele=" + mailbox.deletedCount();
    }

    /** The connection is gone or going: unlock the maildrop, deleting nothing (RFC 1939 6). Idempotent. */
    void close() {
        state = State.CLOSED;
        if (pendingLogin != null) {
            pendingLogin.thenAccept(outcome -> {
                if (outcome instanceof Pop3Login.Outcome.Proxied p) {
                    p.node().channel().close();
                }
            });
            pendingLogin = null;
        }
        worker.release();
    }

    /** RFC 2595 4: after the handshake the client starts over, as if just connected. */
    void tlsStarted() {
        tlsActive = true;
        resetAuthorization();
    }

    /** Handles one framed line. */
    Step onLine(Pop3Line line) {
        if (state == State.CLOSED) {
            return SILENT;
        }
        boolean continuation = saslPending;
        saslPending = false;
        if (line.tooLong() || (!continuation && line.octets() > MAX_COMMAND_OCTETS)) {
            return bad(Pop3Reply.LINE_TOO_LONG);
        }
        if (line.bareLineEnd()) {
            return bad(Pop3Reply.BARE_LINE_END);
        }
        if (continuation) {
            return saslResponse(line.text());
        }
        Pop3Command command = Pop3Command.parse(line.text());
        String user = pendingUser;
        pendingUser = null; // RFC 1939 7: PASS must follow USER immediately
        return switch (command.verb()) {
            case CAPA -> command.argument().isEmpty() ? reply(capabilities()) : bad(Pop3Reply.SYNTAX);
            case QUIT -> quit();
            case USER, PASS, AUTH, STLS, XHOP ->
                    state == State.AUTHORIZATION ? authorization(command, user) : bad(Pop3Reply.WRONG_STATE);
            case UNKNOWN -> bad(Pop3Reply.UNKNOWN_COMMAND);
            default -> state == State.TRANSACTION ? transaction(command) : bad(Pop3Reply.WRONG_STATE);
        };
    }

    private Step authorization(Pop3Command command, String user) {
        String arg = command.argument();
        switch (command.verb()) {
            case XHOP:
                if (!arg.isEmpty()) {
                    return bad(Pop3Reply.SYNTAX);
                }
                proxied = true;
                return reply(Pop3Reply.HOP_NOTED);
            case STLS:
                if (!arg.isEmpty()) {
                    return bad(Pop3Reply.SYNTAX);
                }
                if (tlsActive) {
                    return bad(Pop3Reply.TLS_ACTIVE);
                }
                return tlsOffered ? new Step.StartTls() : bad(Pop3Reply.UNKNOWN_COMMAND);
            case USER:
                if (!plaintextAllowed()) {
                    return bad(Pop3Reply.PLAINTEXT_DISALLOWED);
                }
                if (arg.isEmpty()) {
                    return bad(Pop3Reply.SYNTAX);
                }
                pendingUser = arg;
                return reply(Pop3Reply.USER_OK);
            case PASS:
                if (!plaintextAllowed()) {
                    return bad(Pop3Reply.PLAINTEXT_DISALLOWED);
                }
                return user == null ? bad(Pop3Reply.NEED_USER) : attempt(user, arg);
            default:
                return auth(command.arguments());
        }
    }

    /** RFC 5034 4: AUTH mechanism [initial-response]; a bare AUTH lists the mechanisms, as many servers do. */
    private Step auth(List<String> args) {
        if (args.isEmpty()) {
            return reply(plaintextAllowed() ? Pop3Reply.AUTH_MECHANISMS : Pop3Reply.multi(Pop3Reply.OK, List.of()));
        }
        if (args.size() > 2) {
            return bad(Pop3Reply.SYNTAX);
        }
        if (!args.get(0).equalsIgnoreCase("PLAIN")) {
            return bad(Pop3Reply.UNKNOWN_MECHANISM);
        }
        if (!plaintextAllowed()) {
            return bad(Pop3Reply.PLAINTEXT_DISALLOWED);
        }
        if (args.size() == 1) {
            saslPending = true;
            return reply(Pop3Reply.SASL_CONTINUE);
        }
        return plain(args.get(1).equals("=") ? "" : args.get(1)); // RFC 5034 4: "=" is an empty response
    }

    private Step saslResponse(String text) {
        if (text.equals("*")) {
            return reply(Pop3Reply.AUTH_CANCELLED);
        }
        return plain(text);
    }

    /** RFC 4616 2, RFC 5034 4. */
    private Step plain(String base64) {
        Optional<SaslPlain> plain;
        try {
            plain = SaslPlain.decode(base64);
        } catch (IllegalArgumentException e) {
            return bad(Pop3Reply.BAD_BASE64);
        }
        if (plain.isEmpty() || plain.get().impersonates()) {
            log.info("pop3 AUTH PLAIN from [{}] refused: {}", clientIp,
                    plain.isEmpty() ? "malformed" : "authorization identity not supported");
            return bad(Pop3Reply.AUTH_FAILED);
        }
        return attempt(plain.get().authcid(), plain.get().password());
    }

    private Step attempt(String user, String password) {
        pendingLogin = login.attempt(user, password, proxied);
        return new Step.Await<>(pendingLogin, (outcome, failure) -> {
            pendingLogin = null;
            if (outcome instanceof Pop3Login.Outcome.Proxied p) {
                close(); // no maildrop here; the handler hands the connection to the relay
                return new Step.Relay(p.node());
            }
            if (outcome instanceof Pop3Login.Outcome.LoggedIn in) {
                mailbox = in.mailbox();
                state = State.TRANSACTION;
                return reply(Pop3Reply.ok("Logged in, " + mailbox.liveCount() + " messages ("
                        + mailbox.liveSize() + " octets)"));
            }
            Pop3Login.Outcome.Refused refused = outcome instanceof Pop3Login.Outcome.Refused r
                    ? r : new Pop3Login.Outcome.Refused(Pop3Reply.AUTH_TEMPFAIL, false);
            if (refused.close()) {
                close();
            }
            return new Step.Reply(refused.reply(), refused.close());
        });
    }

    private Step transaction(Pop3Command command) {
        List<String> args = command.arguments();
        switch (command.verb()) {
            case STAT:
                return args.isEmpty() ? reply(Pop3Reply.ok(mailbox.liveCount() + " " + mailbox.liveSize()))
                        : bad(Pop3Reply.SYNTAX);
            case NOOP:
                return args.isEmpty() ? reply(Pop3Reply.OK) : bad(Pop3Reply.SYNTAX);
            case RSET:
                if (!args.isEmpty()) {
                    return bad(Pop3Reply.SYNTAX);
                }
                mailbox.reset();
                return reply(Pop3Reply.ok("Maildrop has " + mailbox.liveCount() + " messages ("
                        + mailbox.liveSize() + " octets)"));
            case LIST:
                return scanListing(args, m -> m.number() + " " + m.size());
            case UIDL:
                return scanListing(args, m -> m.number() + " " + m.uid());
            case DELE:
                return args.size() != 1 ? bad(Pop3Reply.SYNTAX) : dele(args.get(0));
            case RETR:
                return args.size() != 1 ? bad(Pop3Reply.SYNTAX) : retr(args.get(0), -1);
            default: // TOP: RFC 1939 7, both arguments required
                if (args.size() != 2 || Pop3Command.number(args.get(1)).isEmpty()) {
                    return bad(Pop3Reply.SYNTAX);
                }
                return retr(args.get(0), Pop3Command.number(args.get(1)).getAsLong());
        }
    }

    /** LIST and UIDL: every live message, or the one named (RFC 1939 5, 7). */
    private Step scanListing(List<String> args, Function<Message, String> format) {
        if (args.size() > 1) {
            return bad(Pop3Reply.SYNTAX);
        }
        if (args.size() == 1) {
            Step problem = messageProblem(args.get(0));
            return problem != null ? problem : reply(Pop3Reply.ok(format.apply(message(args.get(0)))));
        }
        List<String> lines = new ArrayList<>();
        for (Message m : mailbox.messages()) {
            if (!m.deleted()) {
                lines.add(format.apply(m));
            }
        }
        return reply(Pop3Reply.multi(
                Pop3Reply.ok(mailbox.liveCount() + " messages (" + mailbox.liveSize() + " octets)"), lines));
    }

    private Step dele(String arg) {
        Step problem = messageProblem(arg);
        if (problem != null) {
            return problem;
        }
        mailbox.delete(message(arg));
        return reply(Pop3Reply.MARKED);
    }

    /** RETR ({@code bodyLines < 0}) or TOP: open off the loop, then stream; RETR marks the message seen. */
    private Step retr(String arg, long bodyLines) {
        Step problem = messageProblem(arg);
        if (problem != null) {
            return problem;
        }
        Message message = message(arg);
        return new Step.Await<>(worker.read(message, bodyLines), (reader, failure) -> {
            if (failure != null) {
                log.warn("pop3 cannot read message {} in {}: {}", message.uid(), mailbox.maildir(), String.valueOf(failure));
                return reply(Pop3Reply.MESSAGE_UNAVAILABLE);
            }
            if (bodyLines >= 0) {
                return new Step.Stream(Pop3Reply.OK, worker, () -> { });
            }
            return new Step.Stream(Pop3Reply.ok(message.size() + " octets"), worker, () -> {
                retrieved++;
                worker.submit(() -> {
                    mailbox.markSeen(message);
                    return null;
                }).exceptionally(e -> {
                    log.warn("pop3 cannot mark {} seen: {}", message.uid(), String.valueOf(e));
                    return null;
                });
            });
        });
    }

    /** RFC 1939 6: QUIT in TRANSACTION enters UPDATE and removes the marked messages. */
    private Step quit() {
        if (state != State.TRANSACTION || mailbox.deletedCount() == 0) {
            close();
            return new Step.Reply(Pop3Reply.BYE, true);
        }
        Pop3Mailbox drop = mailbox;
        state = State.CLOSED;
        return new Step.Await<>(worker.submit(drop::commit), (deleted, failure) -> {
            close();
            if (failure != null) {
                log.warn("pop3 update of {} failed: {}", drop.maildir(), String.valueOf(failure));
                return new Step.Reply(Pop3Reply.COMMIT_FAILED, true);
            }
            log.info("pop3 update of {}: {} messages deleted", drop.maildir(), deleted);
            return new Step.Reply(Pop3Reply.ok("dirmail POP3 server signing off (" + deleted + " messages deleted)"), true);
        });
    }

    /** Null when {@code arg} names a live message, else the reply saying why not. */
    private Step messageProblem(String arg) {
        OptionalLong number = Pop3Command.number(arg);
        if (number.isEmpty()) {
            return bad(Pop3Reply.SYNTAX);
        }
        long n = number.getAsLong();
        if (n < 1 || n > mailbox.messages().size()) {
            return reply(Pop3Reply.NO_SUCH_MESSAGE);
        }
        return mailbox.messages().get((int) n - 1).deleted() ? reply(Pop3Reply.MESSAGE_DELETED) : null;
    }

    private Message message(String arg) {
        return mailbox.messages().get((int) Pop3Command.number(arg).getAsLong() - 1);
    }

    /** RFC 2449 5; USER and SASL only where a login may happen now, STLS only before login. */
    private Pop3Reply capabilities() {
        List<String> caps = new ArrayList<>(List.of("TOP", "UIDL"));
        if (state == State.AUTHORIZATION && plaintextAllowed()) {
            caps.add("USER");
            caps.add("SASL PLAIN");
        }
        caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (state == State.AUTHORIZATION && tlsOffered && !tlsActive) {
            caps.add("STLS");
        }
        if (state == State.AUTHORIZATION) {
            caps.add(Pop3ProxyLogin.HOP_CAPABILITY);
        }
        caps.add("IMPLEMENTATION dirmail");
        return Pop3Reply.multi(Pop3Reply.ok("Capability list follows"), caps);
    }

    /** RFC 2595 2.3: no cleartext passwords over an unprotected connection, unless configured. */
    private boolean plaintextAllowed() {
        return tlsActive || settings.allowPlaintext();
    }

    private void resetAuthorization() {
        pendingUser = null;
        saslPending = false;
        proxied = false; // nothing said before STLS counts after it (RFC 2595 4); the proxy sends XHOP after
    }

    /** A reply that ends the command; "+OK" ends a run of bad commands (as in Dovecot). */
    private Step reply(Pop3Reply reply) {
        if (reply.status().equals("+OK")) {
            badCommands = 0;
        }
        return new Step.Reply(reply, false);
    }

    /** A protocol error: counted, and too many in a row close the connection. */
    private Step bad(Pop3Reply reply) {
        if (++badCommands >= settings.maxBadCommands()) {
            log.info("pop3 too many bad commands from [{}]", clientIp);
            close();
            return new Step.Reply(Pop3Reply.TOO_MANY_BAD_COMMANDS, true);
        }
        return reply(reply);
    }
}
