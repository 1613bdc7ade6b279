package org.dirmail.mta.pop3;

import io.netty.channel.EventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.auth.AuthResult;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.delivery.MailStorePath;
import org.dirmail.mta.pop3.MailboxLock.LockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One login attempt of a POP3 session, from the password to the locked maildrop: throttle, the
 * directory's verdict, the cluster check (proxy to the user's node, or refuse), the Maildir path
 * confined under the mail root, the lock.
 * Every refusal of the credentials looks the same to the client and comes after the same delay;
 * passwords are never logged. Trusts the {@link Authenticator}'s verdict and nothing in the entry.
 */
final class Pop3Login {

    private static final Logger log = LoggerFactory.getLogger(Pop3Login.class);

    /** How an attempt ended. */
    sealed interface Outcome permits Outcome.LoggedIn, Outcome.Proxied, Outcome.Refused {
        /** The maildrop is locked and listed: TRANSACTION state (RFC 1939 5). */
        record LoggedIn(Pop3Mailbox mailbox) implements Outcome {
        }

        /** The user's node took the same login; the session continues there. */
        record Proxied(Pop3ProxyConnector.Connected node) implements Outcome {
        }

        /** Stay in AUTHORIZATION with this reply, or close after it. */
        record Refused(Pop3Reply reply, boolean close) implements Outcome {
        }
    }

    private final Pop3Settings settings;
    private final Authenticator authenticator;
    private final AuthThrottle throttle;
    private final EventLoop loop;
    private final MailboxWorker worker;
    private final Pop3ProxyConnector proxy;
    private final String clientIp;

    /**
     * @param loop  the session's event loop: the attempt continues there after the directory
     *              answers, the failure delay is scheduled on it, a proxy connection runs on it
     * @param proxy reaches the user's node; null when this node does not proxy
     */
    Pop3Login(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle,
            EventLoop loop, MailboxWorker worker, Pop3ProxyConnector proxy, String clientIp) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.loop = loop;
        this.worker = worker;
        this.proxy = proxy;
        this.clientIp = clientIp;
    }

    /**
     * Checks {@code login} and {@code password} and opens the maildrop, or the user's node.
     * Never completes exceptionally.
     *
     * @param proxied another node proxied this login here (XHOP): it is not proxied again
     */
    CompletionStage<Outcome> attempt(String login, String password, boolean proxied) {
        String who = Pop3Reply.printable(login);
        if (throttle.blocked(clientIp, login)) {
            log.info("pop3 login refused for <{}> from [{}]: too many failures", who, clientIp);
            return CompletableFuture.completedFuture(new Outcome.Refused(Pop3Reply.TOO_MANY_FAILURES, true));
        }
        CompletionStage<AuthResult> verdict = password.isEmpty()
                ? CompletableFuture.completedFuture(new AuthResult.Failure("empty password")) // qmail-ldap §9
                : authenticate(login, password);
        return verdict.thenComposeAsync(result -> decide(new Credentials(login, password, proxied), who, result), loop)
                .exceptionally(failure -> {
                    log.warn("pop3 login for <{}> from [{}] failed: {}", who, clientIp, String.valueOf(failure));
                    return new Outcome.Refused(Pop3Reply.AUTH_TEMPFAIL, false);
                });
    }

    /** What the proxy replays on the user's node. */
    private record Credentials(String login, String password, boolean proxied) {
        @Override
        public String toString() {
            return "Credentials[login=" + login + "]";
        }
    }

    private CompletionStage<Outcome> decide(Credentials credentials, String who, AuthResult result) {
        String login = credentials.login();
        if (result instanceof AuthResult.TempFail tempFail) {
            log.warn("pop3 login for <{}> from [{}]: directory tempfail: {}", who, clientIp, tempFail.reason());
            return CompletableFuture.completedFuture(new Outcome.Refused(Pop3Reply.AUTH_TEMPFAIL, false));
        }
        if (result instanceof AuthResult.Success success
                && success.user().accountStatus() == AccountStatus.ACTIVE) {
            throttle.recordSuccess(clientIp, login);
            return openMaildrop(who, success.user(), credentials);
        }
        String reason = result instanceof AuthResult.Failure failure
                ? failure.logReason()
                : "account status " + ((AuthResult.Success) result).user().accountStatus();
        throttle.recordFailure(clientIp, login);
        log.info("pop3 login failed for <{}> from [{}]: {}", who, clientIp, reason);
        CompletableFuture<Outcome> delayed = new CompletableFuture<>();
        loop.schedule(() -> delayed.complete(new Outcome.Refused(Pop3Reply.AUTH_FAILED, false)),
                settings.failureDelay().toMillis(), TimeUnit.MILLISECONDS);
        return delayed;
    }

    /** On the event loop: the cluster check (qmail-ldap.md §6), then the confined path, then the lock. */
    private CompletionStage<Outcome> openMaildrop(String who, MailUser user, Credentials credentials) {
        String host = user.mailHost().orElse("").trim();
        if (!host.isEmpty() && !settings.isThisNode(host)) {
            return otherNode(who, host, credentials);
        }
        String store = user.mailMessageStore().orElse("");
        if (store.isEmpty() || !MailStorePath.isMaildir(store)) {
            log.warn("pop3 login for <{}> from [{}]: mailMessageStore '{}' is no Maildir",
                    who, clientIp, Pop3Reply.printable(store));
            return refused(Pop3Reply.NO_MAILBOX);
        }
        Path maildir;
        try {
            maildir = MailStorePath.resolve(settings.mailRoot(), store);
        } catch (MailStorePath.BadStoreException e) {
            log.warn("pop3 login for <{}> from [{}]: {}", who, clientIp, Pop3Reply.printable(e.getMessage()));
            return refused(Pop3Reply.MAILBOX_REFUSED);
        }
        return worker.open(maildir).handle((mailbox, failure) -> {
            if (failure == null) {
                log.info("pop3 login: user=<{}> [{}] maildir={} messages={}",
                        who, clientIp, maildir, mailbox.messages().size());
                return new Outcome.LoggedIn(mailbox);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof LockedException) {
                log.info("pop3 login for <{}> from [{}]: mailbox in use", who, clientIp);
                return new Outcome.Refused(Pop3Reply.IN_USE, false);
            }
            log.warn("pop3 login for <{}> from [{}]: cannot open {}: {}", who, clientIp, maildir, String.valueOf(cause));
            return new Outcome.Refused(Pop3Reply.MAILBOX_UNAVAILABLE, false);
        });
    }

    /** qmail-ldap.md §6: the same login on the user's node, at most one hop; or a temporary refusal. */
    private CompletionStage<Outcome> otherNode(String who, String host, Credentials credentials) {
        String node = Pop3Reply.printable(host);
        if (proxy == null) {
            log.info("pop3 login for <{}> from [{}]: mailbox on {}, proxy off", who, clientIp, node);
            return refused(Pop3Reply.otherHost(host));
        }
        if (credentials.proxied()) {
            log.warn("pop3 login for <{}> from [{}]: proxied here, but mailHost is {}: cluster loop, not proxied "
                    + "again (check mailHost, hostname and cluster_hosts)", who, clientIp, node);
            return refused(Pop3Reply.proxyLoop(host));
        }
        return proxy.connect(loop, host, credentials.login(), credentials.password()).handle((connected, failure) -> {
            if (failure == null) {
                log.info("pop3 proxy: user=<{}> [{}] to {}", who, clientIp, connected.target());
                return new Outcome.Proxied(connected);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            Pop3ProxyConnector.Failure.Kind kind = cause instanceof Pop3ProxyConnector.Failure f
                    ? f.kind() : Pop3ProxyConnector.Failure.Kind.UNREACHABLE;
            log.warn("pop3 proxy for <{}> from [{}] to {} failed: {}", who, clientIp, node,
                    Pop3Reply.printable(String.valueOf(cause.getMessage())));
            switch (kind) {
                case IN_USE:
                    return new Outcome.Refused(Pop3Reply.IN_USE, false);
                case REFUSED:
                    return new Outcome.Refused(Pop3Reply.proxyRefused(host), false);
                default:
                    return new Outcome.Refused(Pop3Reply.proxyUnreachable(host), false);
            }
        });
    }

    private CompletionStage<AuthResult> authenticate(String login, String password) {
        try {
            return authenticator.authenticate(login, password);
        } catch (RuntimeException e) { // the contract says it never throws; a bug must still be a tempfail
            return CompletableFuture.completedFuture(new AuthResult.TempFail(String.valueOf(e)));
        }
    }

    private static CompletionStage<Outcome> refused(Pop3Reply reply) {
        return CompletableFuture.completedFuture(new Outcome.Refused(reply, false));
    }
}
