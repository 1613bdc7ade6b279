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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.queue.MessageQueue;

/**
 * Drives an in-memory SMTP connection like a transcript:
 * {@code smtp.send("EHLO x").expect("250")}. The channel is built by the real
 * {@link SmtpServerInitializer}; every buffer comes from a {@link TrackingAllocator}. After
 * {@link #handshake} the transcript speaks through a client {@link SSLEngine}, shuttling the TLS
 * records in memory.
 */
final class SmtpTranscript {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40123);

    private final EmbeddedChannel channel;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final StringBuilder received = new StringBuilder();
    /** The client side of TLS once {@link #handshake} ran; records from the server not yet decrypted. */
    private SSLEngine tlsClient;
    private ByteBuffer netIn = ByteBuffer.allocate(0);

    /** An MX connection with the standard test logins and no TLS. */
    SmtpTranscript(SmtpSettings settings, RecipientResolver resolver, MessageQueue queue) {
        this(SmtpRole.MX, settings, services(resolver, queue, TestAuthenticator.standard(), Optional.empty()), CLIENT);
    }

    SmtpTranscript(SmtpRole role, SmtpSettings settings, SmtpServices services) {
        this(role, settings, services, CLIENT);
    }

    SmtpTranscript(SmtpRole role, SmtpSettings settings, SmtpServices services, InetSocketAddress client) {
        channel = new EmbeddedChannel(false, false, new SmtpServerInitializer(role, settings, services)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return client;
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
        return TestSettings.defaults().build();
    }

    /** Services with a throttle of 3 failures in 15 minutes and generous connection limits. */
    static SmtpServices services(RecipientResolver resolver, MessageQueue queue, Authenticator authenticator,
            Optional<Supplier<SSLEngine>> tls) {
        // A TestDirectory answers the group questions for its own groups; other resolvers find none.
        MailGroups groups = resolver instanceof TestDirectory directory ? directory : new TestDirectory();
        return new SmtpServices(resolver, groups, queue, authenticator,
                new AuthThrottle(3, Duration.ofMinutes(15), Clock.systemUTC()), tls, new ConnectionLimiter(100, 10));
    }

    /** The channel, for tests that shuttle TLS records or inspect the pipeline. */
    EmbeddedChannel channel() {
        return channel;
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
        if (tlsClient != null) {
            writeTls(ByteBuffer.wrap(bytes));
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        channel.runPendingTasks();
        return this;
    }

    /**
     * Runs a TLS handshake as a client verifying {@code mx.example.org} would: after our 220 to
     * STARTTLS, or at once on SMTPS. From then on sends are encrypted and replies decrypted.
     */
    SmtpTranscript handshake(SSLContext context) {
        tlsClient = context.createSSLEngine(TestTls.HOSTNAME, 25);
        tlsClient.setUseClientMode(true);
        SSLParameters parameters = tlsClient.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tlsClient.setSSLParameters(parameters);
        try {
            tlsClient.beginHandshake();
            for (int round = 0; round < 100; round++) {
                switch (tlsClient.getHandshakeStatus()) {
                    case NEED_WRAP -> writeTls(ByteBuffer.allocate(0));
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!readTls()) {
                            throw new AssertionError("the server sent nothing during the handshake; channel active: "
                                    + channel.isActive());
                        }
                    }
                    case NEED_TASK -> runTlsTasks();
                    default -> {
                        channel.runPendingTasks();
                        return this;
                    }
                }
            }
        } catch (SSLException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the handshake did not finish");
    }

    private void writeTls(ByteBuffer plain) {
        try {
            do {
                ByteBuffer net = ByteBuffer.allocate(tlsClient.getSession().getPacketBufferSize());
                tlsClient.wrap(plain, net);
                net.flip();
                if (net.hasRemaining()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(net));
                    channel.runPendingTasks();
                }
            } while (plain.hasRemaining());
        } catch (SSLException e) {
            throw new AssertionError(e);
        }
    }

    /** Decrypts what the server wrote into {@link #received}; false when it wrote nothing. */
    private boolean readTls() throws SSLException {
        channel.runPendingTasks();
        boolean any = false;
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes).release();
            netIn = ByteBuffer.allocate(netIn.remaining() + bytes.length).put(netIn).put(bytes).flip();
            any = true;
        }
        ByteBuffer app = ByteBuffer.allocate(tlsClient.getSession().getApplicationBufferSize());
        while (netIn.hasRemaining()) {
            SSLEngineResult result = tlsClient.unwrap(netIn, app);
            runTlsTasks();
            app.flip();
            received.append(StandardCharsets.ISO_8859_1.decode(app));
            app.clear();
            if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0
                    || tlsClient.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        return any;
    }

    private void runTlsTasks() {
        Runnable task;
        while ((task = tlsClient.getDelegatedTask()) != null) {
            task.run();
        }
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
        if (tlsClient != null) {
            try {
                readTls();
            } catch (SSLException e) {
                throw new AssertionError(e);
            }
            return;
        }
        channel.runPendingTasks();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            received.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
    }
}
