package org.dirmail.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.PostingDecision;
import org.dirmail.directory.auth.AuthResult;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.smtp.ConnectionLimiter;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.mta.smtp.SmtpServerInitializer;
import org.dirmail.mta.smtp.SmtpServices;
import org.dirmail.mta.smtp.SmtpSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole pipelined SMTP session (EHLO, MAIL, RCPT, DATA with a 4 KiB dot-stuffed body, QUIT)
 * through the real pipeline of {@link SmtpServerInitializer} on an {@link EmbeddedChannel}:
 * framing, command parsing, path parsing, DATA unstuffing and reply encoding, without sockets.
 * The directory and the queue answer at once from memory, so only the protocol code is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchMessages.QUIET_LOGS)
public class SmtpSessionBenchmark {

    /** What a client behind a NAT looks like; the session logs and limits by this address. */
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40123);
    /** A typical TCP payload on Ethernet: the body arrives cut in the middle of lines. */
    private static final int SEGMENT = 1448;

    private SmtpServerInitializer initializer;
    private List<byte[]> segments;

    @Setup
    public void setUp() {
        SmtpSettings settings = new SmtpSettings("mx.example.com", Set.of("example.com"), 10_240_000, 100, 20,
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ZERO, List.of(), true, false, Duration.ZERO);
        MailUser alice = new MailUser("uid=alice,ou=people,dc=example,dc=com", "alice@example.com",
                Optional.of("alice"), AccountStatus.ACTIVE, Optional.of("example.com/alice/Maildir/"),
                Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0, 0);
        CompletableFuture<Lookup> found = CompletableFuture.completedFuture(
                new Lookup.Found(alice, "alice@example.com"));
        MessageQueue queue = (envelope, message) -> {
            message.release();
            return CompletableFuture.completedFuture("4A2B1C");
        };
        MailGroups noGroups = new MailGroups() {
            @Override
            public CompletableFuture<PostingDecision> mayPost(MailGroup group, String sender) {
                throw new IllegalStateException("the benchmark session has no group recipient");
            }

            @Override
            public CompletableFuture<GroupExpansion> expand(MailGroup group) {
                throw new IllegalStateException("the benchmark session has no group recipient");
            }
        };
        SmtpServices services = new SmtpServices(address -> found, noGroups, queue,
                (login, password) -> CompletableFuture.completedFuture(new AuthResult.Failure("the benchmark offers no AUTH")),
                new AuthThrottle(3, Duration.ofMinutes(15), Clock.systemUTC()), Optional.empty(),
                new ConnectionLimiter(1000, 1000));
        initializer = new SmtpServerInitializer(SmtpRole.MX, settings, services);
        segments = segments(session());
        String replies = runSession();
        if (!replies.contains("\r\n354 ") || !replies.contains("\r\n250 2.0.0 Ok: queued as 4A2B1C")
                || !replies.endsWith("\r\n221 2.0.0 Bye\r\n")) {
            throw new IllegalStateException("the benchmark session did not go through:\n" + replies);
        }
    }

    /** One connection from accept to close; returns the server's replies. */
    @Benchmark
    public String pipelinedSession() {
        return runSession();
    }

    private String runSession() {
        EmbeddedChannel channel = new EmbeddedChannel(false, false, initializer) {
            @Override
            protected SocketAddress remoteAddress0() {
                return CLIENT;
            }
        };
        try {
            channel.register(); // now: the remote address above must be in place for channelActive
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        StringBuilder replies = new StringBuilder(512);
        for (byte[] segment : segments) {
            channel.writeInbound(Unpooled.wrappedBuffer(segment));
            channel.runPendingTasks();
            drain(channel, replies);
        }
        channel.finishAndReleaseAll();
        return replies.toString();
    }

    private static void drain(EmbeddedChannel channel, StringBuilder replies) {
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            replies.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
    }

    /** The client's side: the envelope pipelined (RFC 2920), then the body, the dot and QUIT. */
    private static byte[] session() {
        String envelope = "EHLO client.example.net\r\n"
                + "MAIL FROM:<sender@client.example.net> SIZE=4400\r\n"
                + "RCPT TO:<alice@example.com>\r\n"
                + "DATA\r\n";
        byte[] head = envelope.getBytes(StandardCharsets.US_ASCII);
        byte[] body = BenchMessages.dotStuffed(BenchMessages.message(4096));
        byte[] tail = ".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        System.arraycopy(tail, 0, all, head.length + body.length, tail.length);
        return all;
    }

    private static List<byte[]> segments(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        for (int start = 0; start < bytes.length; start += SEGMENT) {
            int end = Math.min(bytes.length, start + SEGMENT);
            byte[] part = new byte[end - start];
            System.arraycopy(bytes, start, part, 0, part.length);
            out.add(part);
        }
        return out;
    }
}
