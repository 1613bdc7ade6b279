package org.dirmail.mta.pop3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.net.RenegotiationGuard;

/**
 * Builds the pipeline of one POP3 connection: TLS first for POP3S, the idle timeout, strict CRLF
 * framing, the session. Sharable; each channel gets its own handlers.
 */
final class Pop3ServerInitializer extends ChannelInitializer<Channel> {

    private final Pop3Settings settings;
    private final Authenticator authenticator;
    private final AuthThrottle throttle;
    private final Supplier<SSLEngine> tls;
    private final boolean implicitTls;
    private final Executor diskExecutor;
    private final Pop3ProxyConnector proxy;
    private final DirmailMetrics metrics;

    Pop3ServerInitializer(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle,
            Supplier<SSLEngine> tls, boolean implicitTls, Executor diskExecutor) {
        this(settings, authenticator, throttle, tls, implicitTls, diskExecutor, DirmailMetrics.disabled());
    }

    Pop3ServerInitializer(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle,
            Supplier<SSLEngine> tls, boolean implicitTls, Executor diskExecutor, DirmailMetrics metrics) {
        if (implicitTls && tls == null) {
            throw new IllegalArgumentException("POP3S needs a TLS engine supplier");
        }
        this.settings = settings;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.diskExecutor = diskExecutor;
        this.metrics = metrics;
        // DNS for the proxy may block; the disk pool is where this listener already blocks.
        this.proxy = settings.proxy().map(p -> new Pop3ProxyConnector(p, diskExecutor)).orElse(null);
    }

    @Override
    protected void initChannel(Channel ch) {
        if (implicitTls) {
            RenegotiationGuard.addFirst(ch.pipeline(), "tls", new SslHandler(tls.get()));
        }
        ch.pipeline().addLast(
                // RFC 1939 3: the autologout timer. All-idle, so a long RETR to a slow reader that
                // still makes progress is not cut off, and a stalled one is.
                new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                new Pop3LineDecoder(),
                new Pop3ServerHandler(settings, authenticator, throttle, tls, implicitTls, diskExecutor, proxy,
                        metrics));
    }
}
