package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.metrics.DirmailMetrics;

/**
 * Drives an in-memory POP3 connection like a transcript: {@code pop.send("STAT").expect("+OK 2 ")}.
 * The channel is built by the real {@link Pop3ServerInitializer}; disk work runs on the calling
 * thread and time is frozen, so every step is deterministic.
 */
final class Pop3Transcript {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    static final int MAX_BAD_COMMANDS = 10;
    static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40123);

    private final EmbeddedChannel channel;
    private final StringBuilder received = new StringBuilder();

    Pop3Transcript(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle, boolean stls) {
        this(settings, authenticator, throttle, stls, DirmailMetrics.disabled());
    }

    Pop3Transcript(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle, boolean stls,
            DirmailMetrics metrics) {
        // A supplier that is never called here: STLS is tested over TCP; here only its refusals.
        Pop3ServerInitializer init = new Pop3ServerInitializer(settings, authenticator, throttle,
                stls ? () -> {
                    throw new AssertionError("no TLS in memory");
                } : null, false, Runnable::run, metrics);
        channel = new EmbeddedChannel(false, false, init) {
            @Override
            protected SocketAddress remoteAddress0() {
                return CLIENT;
            }
        };
        try {
            channel.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        channel.freezeTime();
    }

    static Pop3Settings settings(Path mailRoot, boolean allowPlaintext) {
        return new Pop3Settings(Set.of("pop.example.org"), mailRoot, Duration.ofMinutes(10), allowPlaintext,
                Duration.ofSeconds(2), MAX_BAD_COMMANDS);
    }

    static AuthThrottle throttle() {
        return new AuthThrottle(3, Duration.ofMinutes(10), Clock.systemUTC());
    }

    /** Sends one command line; CRLF is added. */
    Pop3Transcript send(String line) {
        return sendRaw(line + "\r\n");
    }

    /** Sends exactly these characters (ISO-8859-1), as one TCP segment. */
    Pop3Transcript sendRaw(String text) {
        channel.writeInbound(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.ISO_8859_1)));
        channel.runPendingTasks();
        return this;
    }

    /** The next status line starts with {@code prefix}. */
    Pop3Transcript expect(String prefix) {
        assertThat(nextLine()).startsWith(prefix);
        return this;
    }

    /** The next status line is exactly {@code line}. */
    Pop3Transcript expectLine(String line) {
        assertThat(nextLine()).isEqualTo(line);
        return this;
    }

    /** The body of a multi-line reply, up to and without the terminating "." (not unstuffed). */
    Pop3Transcript expectBody(String... lines) {
        assertThat(body()).containsExactly(lines);
        return this;
    }

    List<String> body() {
        List<String> lines = new ArrayList<>();
        for (String line = nextLine(); !line.equals("."); line = nextLine()) {
            lines.add(line);
        }
        return lines;
    }

    String nextLine() {
        drainOutbound();
        int end = received.indexOf("\r\n");
        assertThat(end).as("a complete line in %s", received).isGreaterThanOrEqualTo(0);
        String line = received.substring(0, end);
        received.delete(0, end + 2);
        return line;
    }

    /** Nothing more has been flushed. */
    Pop3Transcript expectNothing() {
        drainOutbound();
        assertThat(received).isEmpty();
        return this;
    }

    Pop3Transcript expectClosed() {
        channel.runPendingTasks();
        assertThat(channel.isActive()).as("channel active").isFalse();
        return this;
    }

    Pop3Transcript expectOpen() {
        assertThat(channel.isActive()).as("channel active").isTrue();
        return this;
    }

    Pop3Transcript advanceTime(long amount, TimeUnit unit) {
        channel.advanceTimeBy(amount, unit);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        return this;
    }

    /** Drops the connection without QUIT. */
    void drop() {
        channel.close();
        channel.runPendingTasks();
    }

    private void drainOutbound() {
        channel.runPendingTasks();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            received.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
    }
}
