package org.dirmail.mta.smtp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.dirmail.directory.auth.AuthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AUTH command of one session once its sequence checks have passed (RFC 4954): runs the SASL
 * dialogue, asks the throttle and then the authenticator, delays failures, and remembers who
 * logged in. Passwords are handed to the authenticator and never logged or kept. Confined to the
 * session's event loop, like the session.
 */
final class SmtpAuthentication {

    private static final Logger log = LoggerFactory.getLogger(SmtpAuthentication.class);

    /**
     * A client that passed AUTH.
     *
     * @param name      the login as the client sent it
     * @param addresses the addresses it may send as, lower-cased (from the directory)
     */
    record Login(String name, List<String> addresses) {
    }

    private final SmtpSettings settings;
    private final SmtpServices services;
    private final ScheduledExecutorService timer;
    private final String clientIp;
    /** The session's final reply to AUTH: counted, and subject to the error limit. */
    private final Function<SmtpReply, SmtpStep> answer;
    /** The session's reply that ends the connection. */
    private final Function<SmtpReply, SmtpStep> hangUp;

    private AuthExchange exchange;
    private Login login;

    SmtpAuthentication(SmtpSettings settings, SmtpServices services, ScheduledExecutorService timer,
            String clientIp, Function<SmtpReply, SmtpStep> answer, Function<SmtpReply, SmtpStep> hangUp) {
        this.settings = settings;
        this.services = services;
        this.timer = timer;
        this.clientIp = clientIp;
        this.answer = answer;
        this.hangUp = hangUp;
    }

    /** The client has logged in; null before. */
    Login login() {
        return login;
    }

    /** A 334 challenge is out and the next line is the client's response. */
    boolean awaitingResponse() {
        return exchange != null;
    }

    /** The AUTH command's argument: mechanism and optional initial response. */
    SmtpStep begin(String argument) {
        exchange = new AuthExchange();
        return next(exchange.begin(argument));
    }

    /** The client's response to a challenge. */
    SmtpStep respond(String line) {
        return next(exchange.respond(line));
    }

    /** The dialogue is abandoned (a framing error in the response). */
    void abandon() {
        exchange = null;
    }

    /** RFC 3207 4.2: STARTTLS forgets the login. */
    void reset() {
        exchange = null;
        login = null;
    }

    private SmtpStep next(AuthExchange.Outcome outcome) {
        if (outcome instanceof AuthExchange.Challenge challenge) {
            return new SmtpStep.Reply(SmtpReply.of(334, "", challenge.text()), false); // RFC 4954 4
        }
        exchange = null;
        if (outcome instanceof AuthExchange.Refused refused) {
            return answer.apply(refused.reply());
        }
        var credentials = (AuthExchange.Credentials) outcome;
        String name = credentials.login();
        if (services.throttle().blocked(clientIp, name)) {
            log.warn("too many failed authentications from [{}], sasl_username={}", clientIp, SmtpReply.printable(name));
            return hangUp.apply(SmtpReply.TOO_MANY_AUTH_FAILURES);
        }
        return new SmtpStep.Await<>(authenticate(name, credentials.password()),
                (result, failure) -> checked(credentials.mechanism(), name, result, failure));
    }

    /** The authenticator's answer, back on the event loop. Every failure looks the same to the client. */
    private SmtpStep checked(String mechanism, String name, AuthResult result, Throwable failure) {
        if (failure != null) {
            result = new AuthResult.TempFail(String.valueOf(failure));
        }
        String who = SmtpReply.printable(name);
        if (result instanceof AuthResult.Success success) {
            services.throttle().recordSuccess(clientIp, name);
            login = new Login(name, success.addresses());
            log.info("client=[{}], sasl_method={}, sasl_username={}", clientIp, mechanism, who);
            return answer.apply(SmtpReply.AUTH_OK);
        }
        if (result instanceof AuthResult.TempFail tempFail) {
            log.warn("authentication tempfail from [{}], sasl_username={}: {}", clientIp, who, tempFail.reason());
            return answer.apply(SmtpReply.AUTH_TEMPFAIL);
        }
        services.throttle().recordFailure(clientIp, name);
        log.info("authentication failed from [{}], sasl_method={}, sasl_username={}: {}",
                clientIp, mechanism, who, ((AuthResult.Failure) result).logReason());
        Duration delay = settings.authFailureDelay();
        if (delay.isZero()) {
            return answer.apply(SmtpReply.AUTH_FAILED);
        }
        // A guesser waits for every answer; the event loop does not (no sleep).
        var later = new CompletableFuture<Void>();
        timer.schedule(() -> later.complete(null), delay.toMillis(), TimeUnit.MILLISECONDS);
        return new SmtpStep.Await<>(later, (ignored, never) -> answer.apply(SmtpReply.AUTH_FAILED));
    }

    private CompletionStage<AuthResult> authenticate(String name, String password) {
        try {
            return services.authenticator().authenticate(name, password);
        } catch (RuntimeException e) { // the contract says it never throws; a bug must still be a 454
            return CompletableFuture.failedFuture(e);
        }
    }
}
