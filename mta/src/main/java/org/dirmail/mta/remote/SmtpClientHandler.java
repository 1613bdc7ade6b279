package org.dirmail.mta.remote;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One outgoing SMTP connection: greeting, EHLO (HELO after a 5xx), STARTTLS by policy, AUTH for
 * the relayhost, then a {@link MailTransaction} and QUIT. Replies are matched to commands in
 * order, each with its RFC 5321 4.5.3.2 timeout. Everything the server sends is hostile: replies
 * come through the strict {@link ReplyDecoder}, bytes sent along with the 220 to STARTTLS end the
 * session (RFC 3207 4.2), and credentials go only over TLS. Runs on the channel's event loop.
 */
final class SmtpClientHandler extends ChannelInboundHandlerAdapter implements MailTransaction.Wire {

    /** Octets per write of message data; each write has its own data-block timeout. */
    private static final int DATA_CHUNK = 64 * 1024;
    /** We have our answer by the time we say QUIT; do not wait long for 221. */
    private static final Duration QUIT_WAIT = Duration.ofSeconds(30);

    private final SessionPlan plan;
    private final ReplyDecoder decoder;
    private final CompletableFuture<AttemptOutcome> outcome = new CompletableFuture<>();
    private final Deque<Expected> expected = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private EhloCapabilities caps = EhloCapabilities.NONE;
    private boolean tlsActive;
    private boolean handshaking;
    private boolean startTlsRefused;
    private MailTransaction transaction;
    private ByteBuf data;

    /** A reply we wait for: what it answers (for the timeout message), how long, what to do with it. */
    private record Expected(String what, Duration timeout, Consumer<ClientReply> action) {
    }

    SmtpClientHandler(SessionPlan plan, ReplyDecoder decoder) {
        this.plan = plan;
        this.decoder = decoder;
    }

    CompletionStage<AttemptOutcome> outcome() {
        return outcome;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        expect(new Expected("greeting", plan.timeouts().greeting(), this::greeting));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ClientReply reply = (ClientReply) msg;
        Expected e = expected.poll();
        if (e == null) {
            fail("protocol error: reply without a command: " + reply.code());
            return;
        }
        cancelTimer();
        if (!expected.isEmpty()) {
            armTimer(expected.peek());
        }
        e.action().accept(reply);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail("connection closed by the server");
        cancelTimer();
        releaseData();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        fail((cause instanceof DecoderException ? "protocol error: " : "") + describe(c));
    }

    // --- session steps ------------------------------------------------------------------

    private void greeting(ClientReply r) {
        if (r.positive()) {
            hello();
        } else {
            tryNext(r.deferred(plan.host())); // RFC 5321 3.1: 554 greeting; 4xx: busy. Another MX may do.
        }
    }

    private void hello() {
        send("EHLO " + plan.heloName(), plan.timeouts().command(), r -> {
            if (r.positive()) {
                caps = EhloCapabilities.parse(r);
                afterHello();
            } else if (r.permanent()) {
                // RFC 5321 3.2: an old server that does not know EHLO.
                send("HELO " + plan.heloName(), plan.timeouts().command(), this::heloReply);
                flush();
            } else {
                tryNext(r.deferred(plan.host()));
            }
        });
        flush();
    }

    private void heloReply(ClientReply r) {
        if (r.positive()) {
            caps = EhloCapabilities.NONE;
            afterHello();
        } else {
            tryNext(r.deferred(plan.host()));
        }
    }

    private void afterHello() {
        RemoteTlsPolicy policy = plan.tlsPolicy();
        if (!tlsActive) {
            if (caps.startTls() && policy != RemoteTlsPolicy.NONE && !plan.plaintext() && !startTlsRefused) {
                send("STARTTLS", plan.timeouts().command(), this::startTlsReply);
                flush();
                return;
            }
            if (policy.requiresTls()) {
                tryNext(RecipientStatus.deferred("4.7.4", plan.host() + " offers no STARTTLS; TLS policy is " + policy));
                return;
            }
        }
        if (plan.credentials().isPresent()) {
            authenticate(plan.credentials().get());
            return;
        }
        beginTransaction();
    }

    private void startTlsReply(ClientReply r) {
        if (r.code() != 220) {
            if (plan.tlsPolicy() == RemoteTlsPolicy.MAY) {
                startTlsRefused = true; // RFC 3207 4: the client may go on without TLS
                afterHello();
            } else {
                tryNext(r.deferred(plan.host()));
            }
            return;
        }
        if (decoder.hasBufferedInput()) {
            fail("protocol error: data after the 220 to STARTTLS (RFC 3207 4.2)");
            return;
        }
        handshaking = true;
        SslHandler ssl = new SslHandler(plan.tlsEngine().get());
        ssl.setHandshakeTimeoutMillis(plan.timeouts().command().toMillis());
        ctx.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                handshaking = false;
                tlsActive = true;
                caps = EhloCapabilities.NONE; // RFC 3207 4.2: forget everything learnt before TLS
                hello();
            } else {
                handshakeFailed(describe(f.cause()));
            }
        });
    }

    private void handshakeFailed(String reason) {
        handshaking = false;
        RecipientStatus.Deferred d = RecipientStatus.deferred("4.7.5", plan.host() + ": TLS handshake failed: " + reason);
        outcome.complete(plan.tlsPolicy() == RemoteTlsPolicy.MAY
                ? new AttemptOutcome.RetryWithoutTls(d) : new AttemptOutcome.TryNext(d));
        close();
    }

    /** RFC 4954 with PLAIN (RFC 4616) or LOGIN; only ever under TLS. */
    private void authenticate(RelayCredentials credentials) {
        if (!tlsActive) {
            tryNext(RecipientStatus.deferred("4.7.0", plan.host() + ": will not send credentials without TLS"));
            return;
        }
        Duration t = plan.timeouts().command();
        if (caps.authMechanisms().contains("PLAIN")) {
            send("AUTH PLAIN " + base64("\0" + credentials.user() + "\0" + credentials.password()), t, this::authReply);
        } else if (caps.authMechanisms().contains("LOGIN")) {
            send("AUTH LOGIN", t, r -> challenge(r, base64(credentials.user()), user ->
                    challenge(user, base64(credentials.password()), this::authReply)));
        } else {
            tryNext(RecipientStatus.deferred("4.7.4", plan.host() + " offers neither AUTH PLAIN nor AUTH LOGIN"));
            return;
        }
        flush();
    }

    private void challenge(ClientReply r, String answer, Consumer<ClientReply> next) {
        if (r.code() != 334) {
            authReply(r);
            return;
        }
        send(answer, plan.timeouts().command(), next);
        flush();
    }

    private void authReply(ClientReply r) {
        if (r.code() == 235) {
            beginTransaction();
        } else {
            // A refused login is our configuration's fault: defer, never bounce.
            tryNext(r.deferred(plan.host()));
        }
    }

    private void beginTransaction() {
        transaction = new MailTransaction(plan, caps, this);
        transaction.start();
    }

    // --- MailTransaction.Wire -----------------------------------------------------------

    @Override
    public void send(String command, Duration timeout, Consumer<ClientReply> onReply) {
        ctx.write(Unpooled.copiedBuffer(command + "\r\n", StandardCharsets.ISO_8859_1));
        expect(new Expected(verb(command), timeout, onReply));
    }

    /** The command's name for a timeout message; never the base64 lines of an AUTH exchange. */
    private static String verb(String command) {
        String word = command.split(" ", 2)[0];
        return switch (word) {
            case "EHLO", "HELO", "STARTTLS", "MAIL", "RCPT", "DATA", "QUIT", "." -> word;
            default -> "AUTH";
        };
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void sendData(Consumer<ClientReply> onReply) {
        data = DataEncoder.encode(plan.message(), ctx.alloc());
        writeChunk(onReply);
    }

    @Override
    public void finish(Map<String, RecipientStatus> statuses) {
        outcome.complete(new AttemptOutcome.Finished(statuses));
        quit();
    }

    // --- mechanics ----------------------------------------------------------------------

    private void writeChunk(Consumer<ClientReply> onReply) {
        if (data == null) {
            return; // the connection failed meanwhile
        }
        ByteBuf chunk = data.readRetainedSlice(Math.min(DATA_CHUNK, data.readableBytes()));
        if (!data.isReadable()) {
            releaseData();
            // Registered before the last write so the reply can never arrive unexpected.
            expect(new Expected("end of data", plan.timeouts().dataDone(), onReply));
        }
        boolean more = data != null;
        ScheduledFuture<?> blockTimer = ctx.executor().schedule(() -> fail("timeout sending message data"),
                plan.timeouts().dataBlock().toMillis(), TimeUnit.MILLISECONDS);
        ChannelFuture written = ctx.writeAndFlush(chunk);
        written.addListener(f -> {
            blockTimer.cancel(false);
            if (!f.isSuccess()) {
                fail("sending message data failed: " + describe(f.cause()));
            } else if (more) {
                writeChunk(onReply);
            }
        });
    }

    private void tryNext(RecipientStatus.Deferred reason) {
        outcome.complete(new AttemptOutcome.TryNext(reason));
        quit();
    }

    /** RFC 5321 4.1.1.10: end politely, but never wait long. */
    private void quit() {
        if (!ctx.channel().isActive()) {
            close();
            return;
        }
        expected.clear();
        cancelTimer();
        Duration wait = plan.timeouts().command().compareTo(QUIT_WAIT) < 0 ? plan.timeouts().command() : QUIT_WAIT;
        send("QUIT", wait, r -> close());
        flush();
    }

    /** The connection broke, timed out or misbehaved. Before MAIL, another host may do; after, defer. */
    private void fail(String reason) {
        if (handshaking) {
            handshakeFailed(reason);
            return;
        }
        if (!outcome.isDone()) {
            RecipientStatus.Deferred d = RecipientStatus.deferred("4.4.2", plan.host() + ": " + reason);
            outcome.complete(transaction == null ? new AttemptOutcome.TryNext(d)
                    : new AttemptOutcome.Finished(transaction.afterFailure(d)));
        }
        close();
    }

    private void close() {
        expected.clear();
        cancelTimer();
        releaseData();
        ctx.close();
    }

    private void expect(Expected e) {
        expected.add(e);
        if (expected.size() == 1) {
            armTimer(e);
        }
    }

    private void armTimer(Expected e) {
        timer = ctx.executor().schedule(() -> fail("timeout waiting for the reply to " + e.what()),
                e.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void releaseData() {
        if (data != null) {
            data.release();
            data = null;
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
