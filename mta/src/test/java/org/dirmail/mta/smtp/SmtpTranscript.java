package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;

/**
 * Drives an in-memory SMTP connection like a transcript:
 * {@code smtp.send("EHLO x").expect("250")}. The channel is built by the real
 * {@link SmtpServerInitializer}; every buffer comes from a {@link TrackingAllocator}.
 */
final class SmtpTranscript {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40123);

    private final EmbeddedChannel channel;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final StringBuilder received = new StringBuilder();

    SmtpTranscript(SmtpSettings settings, RecipientResolver resolver, MessageQueue queue) {
        channel = new EmbeddedChannel(false, false, new SmtpServerInitializer(settings, resolver, queue)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return CLIENT;
            }
        };
        channel.config().setAllocator(alloc);
        try {
            channel.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        channel.freezeTime();
    }

    static SmtpSettings settings() {
        return SmtpSettings.defaults("mx.example.org", Set.of("Example.org", "example.net"));
    }

    /** Sends one command line; CRLF is added. */
    SmtpTranscript send(String line) {
        return sendRaw(line + "\r\n");
    }

    /** Sends exactly these characters (ISO-8859-1), as one TCP segment. */
    SmtpTranscript sendRaw(String text) {
        return sendBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    SmtpTranscript sendBytes(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
        return this;
    }

    /** The next complete reply starts with {@code prefix}; multi-line replies are joined by CRLF. */
    SmtpTranscript expect(String prefix) {
        assertThat(nextReply()).startsWith(prefix);
        return this;
    }

    /** The next complete reply, or fails when none has been flushed. */
    String nextReply() {
        drainOutbound();
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = received.indexOf("\r\n", start);
            assertThat(end).as("a complete reply in %s", received).isGreaterThanOrEqualTo(0);
            String line = received.substring(start, end);
            lines.add(line);
            start = end + 2;
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        received.delete(0, start);
        return String.join("\r\n", lines);
    }

    /** Nothing more has been flushed. */
    SmtpTranscript expectNothing() {
        drainOutbound();
        assertThat(received).isEmpty();
        return this;
    }

    SmtpTranscript expectClosed() {
        channel.runPendingTasks();
        assertThat(channel.isActive()).as("channel active").isFalse();
        return this;
    }

    SmtpTranscript advanceTime(long amount, TimeUnit unit) {
        channel.advanceTimeBy(amount, unit);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        return this;
    }

    /** Runs the tasks other threads handed to the event loop (async lookups completing). */
    SmtpTranscript runPendingTasks() {
        channel.runPendingTasks();
        return this;
    }

    /** Counts flushes from now on, seen at the head of the pipeline. */
    AtomicInteger countFlushes() {
        var flushes = new AtomicInteger();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        return flushes;
    }

    boolean autoRead() {
        return channel.config().isAutoRead();
    }

    /** Closes the connection and checks that every buffer was released. */
    void finish() {
        channel.finishAndReleaseAll();
        alloc.assertAllReleased();
    }

    private void drainOutbound() {
        channel.runPendingTasks();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            received.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
    }
}
