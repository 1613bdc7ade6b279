package org.dirmail.mta.smtp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;

/**
 * Builds the pipeline of one SMTP connection: idle timeout, strict CRLF framing, the session.
 * Sharable; each channel gets its own decoder and handler.
 */
public final class SmtpServerInitializer extends ChannelInitializer<Channel> {

    private final SmtpSettings settings;
    private final RecipientResolver resolver;
    private final MessageQueue queue;

    public SmtpServerInitializer(SmtpSettings settings, RecipientResolver resolver, MessageQueue queue) {
        this.settings = settings;
        this.resolver = resolver;
        this.queue = queue;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
                // RFC 5321 4.5.3.2.7: a silent client is dropped; reader idle, as the client owes us input.
                new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                new SmtpLineDecoder(),
                new SmtpServerHandler(settings, resolver, queue));
    }
}
