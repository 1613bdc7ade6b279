package org.dirmail.mta.smtp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.dirmail.mta.net.RenegotiationGuard;

/**
 * Builds the pipeline of one SMTP connection: TLS first on an SMTPS listener, then the idle
 * timeout, strict CRLF framing and the session. STARTTLS later puts its {@link SslHandler} at the
 * head. Sharable; each channel gets its own handlers, and the settings current when it connected
 * (a reload changes them for new connections only).
 */
public final class SmtpServerInitializer extends ChannelInitializer<Channel> {

    /** The pipeline names the handler looks up when it swaps the timeout or adds TLS. */
    static final String TLS = "tls";
    static final String IDLE = "idle";

    private final SmtpRole role;
    private final Supplier<SmtpSettings> settings;
    private final SmtpServices services;

    public SmtpServerInitializer(SmtpRole role, SmtpSettings settings, SmtpServices services) {
        this(role, () -> settings, services);
    }

    /** Reads {@code settings} once per new connection. */
    public SmtpServerInitializer(SmtpRole role, Supplier<SmtpSettings> settings, SmtpServices services) {
        if (role.submission() && services.tls().isEmpty()) {
            throw new IllegalArgumentException("a " + role + " listener needs TLS");
        }
        this.role = role;
        this.settings = settings;
        this.services = services;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (role.implicitTls()) {
            // RFC 8314 3.3: the TLS handshake starts with the connection; the greeting follows it.
            RenegotiationGuard.addFirst(ch.pipeline(), TLS, new SslHandler(services.tls().orElseThrow().get()));
        }
        SmtpSettings current = settings.get();
        ch.pipeline().addLast(IDLE, idleHandler(current.idleTimeout()));
        ch.pipeline().addLast(new SmtpLineDecoder(), new SmtpServerHandler(role, current, services));
    }

    /**
     * RFC 5321 4.5.3.2.7: a silent client is dropped; reader idle, as the client owes us input.
     * The handler swaps in the DATA timeout while a message is being read.
     */
    static IdleStateHandler idleHandler(Duration timeout) {
        return new IdleStateHandler(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }
}
