package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.dirmail.mta.pop3.Pop3ProxyConnector.Connected;
import org.dirmail.mta.pop3.Pop3ProxyConnector.Failure;
import org.dirmail.tls.ClientTls;

/**
 * The client side of the login a proxy replays on the user's node: greeting, CAPA (RFC 2449),
 * STLS as the policy says (RFC 2595), {@code XHOP} when offered (so that node never proxies the
 * login again), then AUTH PLAIN (RFC 5034) or USER/PASS (RFC 1939 7). Completes its future once,
 * on "+OK" to the login, with auto-read off; everything the node says is checked, nothing of it is
 * believed beyond its status. Not sharable; runs on the connection's event loop.
 */
final class Pop3ProxyLogin extends ChannelInboundHandlerAdapter {

    /** RFC 2449 6: a private capability; a dirmail node that offers it accepts {@code XHOP}. */
    static final String HOP_CAPABILITY = "XHOP";
    private static final int MAX_CAPABILITIES = 64;

    private enum State { GREETING, CAPA, CAPA_LIST, STLS, HANDSHAKE, HOP, SASL, USER, LOGIN, DONE }

    private final Pop3ProxySettings settings;
    private final String host;
    private final int port;
    private final String login;
    private final String password;
    private final String target;
    private final CompletableFuture<Connected> result;

    private State state = State.GREETING;
    private final List<String> capabilities = new ArrayList<>();
    private boolean tlsActive;
    private boolean stlsRefused;

    Pop3ProxyLogin(Pop3ProxySettings settings, String host, int port, String login, String password, String target,
            CompletableFuture<Connected> result) {
        this.settings = settings;
        this.host = host;
        this.port = port;
        this.login = login;
        this.password = password;
        this.target = target;
        this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String line;
        ByteBuf buf = (ByteBuf) msg;
        try {
            line = buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
        if (result.isDone()) {
            ctx.close(); // the node talks out of turn: nothing it says unasked may reach the client
            return;
        }
        boolean ok = line.startsWith("+OK");
        switch (state) {
            case GREETING:
                if (ok) {
                    state = State.CAPA;
                    send(ctx, "CAPA");
                } else {
                    fail(Failure.Kind.UNREACHABLE, "greeting: " + Pop3Reply.printable(line));
                }
                break;
            case CAPA:
                state = ok ? State.CAPA_LIST : state; // -ERR: a server without CAPA (RFC 1939 only)
                if (!ok) {
                    next(ctx);
                }
                break;
            case CAPA_LIST:
                if (line.equals(".")) {
                    next(ctx);
                } else if (capabilities.size() < MAX_CAPABILITIES) {
                    capabilities.add(line.toUpperCase(Locale.ROOT));
                }
                break;
            case STLS:
                if (ok) {
                    state = State.HANDSHAKE;
                    ctx.pipeline().addFirst("tls",
                            new SslHandler(ClientTls.clientEngine(settings.clientTls(), host, port)));
                } else if (settings.tls() == Pop3ProxySettings.Tls.ENCRYPT) {
                    fail(Failure.Kind.UNREACHABLE, "STLS refused: " + Pop3Reply.printable(line));
                } else {
                    stlsRefused = true; // offered, then refused: go on in plaintext, as "may" allows
                    next(ctx);
                }
                break;
            case HANDSHAKE: // RFC 2595 4: nothing may come between "+OK" and the handshake
                fail(Failure.Kind.UNREACHABLE, "data after the STLS reply");
                break;
            case HOP:
                login(ctx); // -ERR too: an older dirmail; the hop is then bounded by its mailHost check
                break;
            case SASL:
                if (line.startsWith("+ ") || line.equals("+")) {
                    send(ctx, Base64.getEncoder().encodeToString(
                            ("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8)));
                    state = State.LOGIN;
                } else {
                    loginRefused(line);
                }
                break;
            case USER:
                if (ok) {
                    send(ctx, "PASS " + password);
                    state = State.LOGIN;
                } else {
                    loginRefused(line);
                }
                break;
            default: // LOGIN
                if (ok) {
                    state = State.DONE;
                    ctx.channel().config().setAutoRead(false);
                    result.complete(new Connected(ctx.channel(), line, target));
                } else {
                    loginRefused(line);
                }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && state == State.HANDSHAKE) {
            if (!handshake.isSuccess()) {
                fail(Failure.Kind.UNREACHABLE, "TLS: " + handshake.cause());
                return;
            }
            tlsActive = true;
            capabilities.clear(); // RFC 2595 4: forget what was said in plaintext, ask again
            state = State.CAPA;
            send(ctx, "CAPA");
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(Failure.Kind.UNREACHABLE, "connection closed in state " + state);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(Failure.Kind.UNREACHABLE, String.valueOf(cause));
        ctx.close();
    }

    /** After the capabilities: TLS first, then the hop marker, then the login. */
    private void next(ChannelHandlerContext ctx) {
        if (!tlsActive && !stlsRefused && settings.tls() != Pop3ProxySettings.Tls.NONE
                && capabilities.contains("STLS")) {
            state = State.STLS;
            send(ctx, "STLS");
        } else if (!tlsActive && settings.tls() == Pop3ProxySettings.Tls.ENCRYPT) {
            fail(Failure.Kind.UNREACHABLE, "STLS not offered and pop3_proxy_tls = encrypt");
        } else if (capabilities.contains(HOP_CAPABILITY)) {
            state = State.HOP;
            send(ctx, "XHOP");
        } else {
            login(ctx);
        }
    }

    /** SASL PLAIN when offered, in two steps so a long password never makes a command too long (RFC 2449 4). */
    private void login(ChannelHandlerContext ctx) {
        boolean plain = capabilities.stream()
                .anyMatch(c -> c.startsWith("SASL ") && List.of(c.split(" ")).contains("PLAIN"));
        if (plain) {
            state = State.SASL;
            send(ctx, "AUTH PLAIN");
        } else {
            state = State.USER;
            send(ctx, "USER " + login);
        }
    }

    private void loginRefused(String line) {
        boolean inUse = line.toUpperCase(Locale.ROOT).startsWith("-ERR [IN-USE]");
        fail(inUse ? Failure.Kind.IN_USE : Failure.Kind.REFUSED, "login: " + Pop3Reply.printable(line));
    }

    private void fail(Failure.Kind kind, String message) {
        result.completeExceptionally(new Failure(kind, message));
    }

    private static void send(ChannelHandlerContext ctx, String command) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(command + "\r\n", StandardCharsets.UTF_8));
    }
}
