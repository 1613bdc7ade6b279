package org.dirmail.mta.remote;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.dns.MailTarget;
import org.dirmail.mta.dns.MxAnswer;
import org.dirmail.mta.dns.MxResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * qmail-remote on Netty: finds the next hop (static route, relayhost or MX), then tries its
 * addresses in order until one carries the transaction, one connection at a time. A connect
 * failure, a refusing greeting or missing/failed TLS moves on to the next address; once MAIL has
 * been sent, that server's answers are final for this attempt. Owns its event loops; thread-safe.
 */
public final class SmtpClientTransport implements RemoteTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpClientTransport.class);

    private final RemoteSettings settings;
    private final MxResolver mx;
    private final RemoteTls tls;
    /** One loop per CPU, as the listeners: transactions wait on other servers, not on our CPU. */
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());

    private SmtpClientTransport(RemoteSettings settings, MxResolver mx, RemoteTls tls) {
        this.settings = settings;
        this.mx = mx;
        this.tls = tls;
    }

    /**
     * A transport with its own event loops.
     *
     * @throws IOException              the TLS CA file cannot be read
     * @throws GeneralSecurityException the TLS CA file holds no usable certificate
     */
    public static SmtpClientTransport start(RemoteSettings settings, MxResolver mx)
            throws IOException, GeneralSecurityException {
        return new SmtpClientTransport(settings, mx, RemoteTls.create(settings.tlsCaFile()));
    }

    @Override
    public CompletionStage<RemoteResult> deliver(RemoteTransaction tx) {
        Route route = settings.routes().lookup(tx.domain());
        return deliver(tx, route, settings.policyFor(tx.domain(), route));
    }

    /**
     * Delivers {@code tx} to an explicit next hop with an explicit TLS policy, ignoring the route
     * table: a cluster node named by {@code mailHost}. Never completes exceptionally.
     */
    public CompletionStage<RemoteResult> deliver(RemoteTransaction tx, Route route, RemoteTlsPolicy policy) {
        try {
            return attempt(tx, route, policy).exceptionally(e -> internalError(tx, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(tx, e));
        }
    }

    private CompletableFuture<RemoteResult> attempt(RemoteTransaction tx, Route route, RemoteTlsPolicy policy) {
        Map<String, RecipientStatus> refused = new LinkedHashMap<>();
        String senderProblem = Addresses.check(tx.sender(), true);
        LinkedHashSet<String> recipients = new LinkedHashSet<>();
        for (String rcpt : tx.recipients()) {
            String problem = senderProblem != null ? senderProblem : Addresses.check(rcpt, false);
            if (problem == null) {
                recipients.add(rcpt);
            } else {
                refused.put(rcpt, RecipientStatus.failed(senderProblem != null ? "5.1.7" : "5.1.3", problem));
            }
        }
        if (recipients.isEmpty()) {
            return CompletableFuture.completedFuture(result(tx, refused, Map.of(), RemoteResult.NO_MTA));
        }
        int port = route.port() != 0 ? route.port() : settings.smtpPort();
        return targets(tx.domain(), route).toCompletableFuture().thenCompose(answer -> {
            if (answer instanceof MxAnswer.PermFail f) {
                RecipientStatus s = RecipientStatus.failed(f.enhanced(), f.text());
                return CompletableFuture.completedFuture(result(tx, refused, all(recipients, s), RemoteResult.NO_MTA));
            }
            if (answer instanceof MxAnswer.TempFail t) {
                RecipientStatus s = RecipientStatus.deferred(t.enhanced(), t.text());
                return CompletableFuture.completedFuture(result(tx, refused, all(recipients, s), RemoteResult.NO_MTA));
            }
            List<MailTarget> targets = ((MxAnswer.Targets) answer).targets();
            Optional<RelayCredentials> credentials = route.relayhost() ? settings.relayCredentials() : Optional.empty();
            Attempts attempts = new Attempts(tx, List.copyOf(recipients), targets, port, policy, credentials);
            return attempts.next(0, false, null).thenApply(done -> result(tx, refused, done.statuses, done.mta));
        });
    }

    /** Address literals go straight to the address; otherwise the route's host (MX or not), or the domain's MX. */
    private CompletionStage<MxAnswer> targets(String domain, Route route) {
        String host = route.host().isEmpty() ? domain : route.host();
        Optional<java.net.InetAddress> literal = Addresses.literal(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(new MxAnswer.Targets(List.of(new MailTarget(host, literal.get(), 0))));
        }
        if (host.startsWith("[")) {
            return CompletableFuture.completedFuture(new MxAnswer.PermFail("5.1.2", "bad address literal " + host));
        }
        return route.mxLookup() ? mx.resolveMx(host) : mx.resolveHost(host);
    }

    /** The addresses of one delivery, tried one after the other. */
    private final class Attempts {
        private final RemoteTransaction tx;
        private final List<String> recipients;
        private final List<MailTarget> targets;
        private final int port;
        private final RemoteTlsPolicy policy;
        private final Optional<RelayCredentials> credentials;

        Attempts(RemoteTransaction tx, List<String> recipients, List<MailTarget> targets, int port,
                 RemoteTlsPolicy policy, Optional<RelayCredentials> credentials) {
            this.tx = tx;
            this.recipients = recipients;
            this.targets = targets;
            this.port = port;
            this.policy = policy;
            this.credentials = credentials;
        }

        CompletableFuture<Done> next(int index, boolean plaintext, RecipientStatus.Deferred last) {
            if (index >= targets.size()) {
                return CompletableFuture.completedFuture(new Done(all(recipients, last), RemoteResult.NO_MTA));
            }
            MailTarget target = targets.get(index);
            String mta = target + ":" + port;
            return connect(target, mta, plaintext).thenCompose(outcome -> {
                if (outcome instanceof AttemptOutcome.Finished f) {
                    return CompletableFuture.completedFuture(new Done(f.statuses(), mta));
                }
                if (outcome instanceof AttemptOutcome.RetryWithoutTls r && !plaintext) {
                    log.info("{}: {}; trying {} again without TLS", tx.queueId(), r.reason().text(), mta);
                    return next(index, true, r.reason());
                }
                RecipientStatus.Deferred reason = outcome instanceof AttemptOutcome.TryNext t ? t.reason()
                        : ((AttemptOutcome.RetryWithoutTls) outcome).reason();
                log.info("{}: {}", tx.queueId(), reason.text());
                return next(index + 1, false, reason);
            });
        }

        private CompletableFuture<AttemptOutcome> connect(MailTarget target, String mta, boolean plaintext) {
            SessionPlan plan = new SessionPlan(mta, settings.heloName(), tx.sender(), recipients, tx.message(), policy,
                    () -> tls.newEngine(policy, target.hostname(), port), plaintext, credentials, settings.timeouts());
            ReplyDecoder decoder = new ReplyDecoder();
            SmtpClientHandler handler = new SmtpClientHandler(plan, decoder);
            CompletableFuture<AttemptOutcome> outcome = handler.outcome().toCompletableFuture();
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            settings.timeouts().connect().toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("replies", decoder).addLast("session", handler);
                        }
                    })
                    .connect(new InetSocketAddress(target.address(), port))
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            String why = f.cause() == null ? "failed" : f.cause().getMessage();
                            outcome.complete(new AttemptOutcome.TryNext(
                                    RecipientStatus.deferred("4.4.1", "connect to " + mta + " failed: " + why)));
                        }
                    });
            return outcome;
        }
    }

    /** The statuses of one delivery and who gave them. */
    private record Done(Map<String, RecipientStatus> statuses, String mta) {
    }

    private static Map<String, RecipientStatus> all(Iterable<String> recipients, RecipientStatus status) {
        Map<String, RecipientStatus> out = new LinkedHashMap<>();
        for (String r : recipients) {
            out.put(r, status);
        }
        return out;
    }

    /** Every recipient of {@code tx}, in its order: refused here, or as the server (or DNS) said. */
    private static RemoteResult result(RemoteTransaction tx, Map<String, RecipientStatus> refused,
                                       Map<String, RecipientStatus> statuses, String mta) {
        Map<String, RecipientStatus> out = new LinkedHashMap<>();
        for (String rcpt : tx.recipients()) {
            RecipientStatus s = refused.containsKey(rcpt) ? refused.get(rcpt) : statuses.get(rcpt);
            out.put(rcpt, s != null ? s : RecipientStatus.deferred("4.3.0", "no status"));
        }
        return new RemoteResult(out, mta);
    }

    private static RemoteResult internalError(RemoteTransaction tx, Throwable e) {
        log.error("{}: remote delivery failed internally: {}", tx.queueId(), e.toString(), e);
        List<String> rcpts = new ArrayList<>(tx.recipients());
        return new RemoteResult(all(rcpts, RecipientStatus.deferred("4.3.0", "internal error: " + e)), RemoteResult.NO_MTA);
    }

    /** Stops the event loops; connections in progress are cut and their deliveries deferred. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
