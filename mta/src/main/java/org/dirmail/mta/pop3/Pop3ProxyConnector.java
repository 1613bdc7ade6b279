package org.dirmail.mta.pop3;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Opens a logged-in POP3 connection to the node named by a user's {@code mailHost}: resolves it
 * on the blocking pool, connects on the client's own event loop, and lets {@link Pop3ProxyLogin}
 * replay the login there. The connection it hands back reads nothing until the relay starts.
 * Trusts neither the {@code mailHost} value (checked to be a host name) nor the node's replies.
 */
final class Pop3ProxyConnector {

    /** RFC 2449 4 bounds reply lines to 512 octets; a little room for sloppy servers, no more. */
    static final int MAX_REPLY_LINE = 1024;
    private static final int MAX_HOST_LENGTH = 253;
    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");

    /** A node that took the login: {@code channel} is logged in, {@code loginReply} its "+OK" line. */
    record Connected(Channel channel, String loginReply, String target) {
    }

    /** Why the node could not take the login. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        enum Kind {
            /** No answer, a broken dialog, TLS trouble: the node cannot be used now. */
            UNREACHABLE,
            /** The node said -ERR to the login (it disagrees with our directory, or refuses a loop). */
            REFUSED,
            /** The node says another session holds the maildrop (RFC 2449 8.1.1). */
            IN_USE
        }

        private final Kind kind;

        Failure(Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }

    private final Pop3ProxySettings settings;
    private final Executor blocking;

    /** @param blocking runs the name lookup (it may block on DNS) */
    Pop3ProxyConnector(Pop3ProxySettings settings, Executor blocking) {
        this.settings = settings;
        this.blocking = blocking;
    }

    /**
     * Logs {@code login} in on {@code host}. Completes on {@code loop}; fails with a {@link Failure}
     * only. The password goes to the node and nowhere else.
     */
    CompletionStage<Connected> connect(EventLoop loop, String host, String login, String password) {
        if (host.length() > MAX_HOST_LENGTH || !HOST_NAME.matcher(host).matches()) {
            return CompletableFuture.failedFuture(new Failure(Failure.Kind.UNREACHABLE, "mailHost is no host name"));
        }
        if (!replayable(login) || !replayable(password)) { // they would end or split the command we send
            return CompletableFuture.failedFuture(
                    new Failure(Failure.Kind.REFUSED, "login or password holds CR, LF or NUL"));
        }
        return CompletableFuture.supplyAsync(() -> resolve(host), blocking)
                .thenComposeAsync(address -> open(loop, host, address, login, password), loop)
                .handle((connected, failure) -> {
                    if (failure == null) {
                        return connected;
                    }
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    throw new CompletionException(cause instanceof Failure ? cause
                            : new Failure(Failure.Kind.UNREACHABLE, String.valueOf(cause)));
                });
    }

    private static boolean replayable(String text) {
        return text.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0);
    }

    private InetSocketAddress resolve(String host) {
        try {
            return settings.targets().resolve(host);
        } catch (Exception e) {
            throw new CompletionException(new Failure(Failure.Kind.UNREACHABLE, "cannot resolve: " + e));
        }
    }

    private CompletionStage<Connected> open(EventLoop loop, String host, InetSocketAddress address, String login,
            String password) {
        CompletableFuture<Connected> result = new CompletableFuture<>();
        String target = host + " [" + address.getAddress().getHostAddress() + "]:" + address.getPort();
        long timeout = settings.timeout().toMillis();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout, Integer.MAX_VALUE))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new LineBasedFrameDecoder(MAX_REPLY_LINE, true, true),
                                new Pop3ProxyLogin(settings, host, address.getPort(), login, password, target, result));
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(new Failure(Failure.Kind.UNREACHABLE, "connect: " + done.cause()));
            }
        });
        ScheduledFuture<?> timer = loop.schedule(() -> result.completeExceptionally(
                new Failure(Failure.Kind.UNREACHABLE, "no login within " + settings.timeout())),
                timeout, TimeUnit.MILLISECONDS);
        return result.whenComplete((connected, failure) -> {
            timer.cancel(false);
            if (failure != null) {
                connecting.channel().close();
            }
        });
    }
}
