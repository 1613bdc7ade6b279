package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.dirmail.mta.pop3.Pop3ProxyConnector.Connected;
import org.dirmail.mta.pop3.Pop3ProxyConnector.Failure;
import org.dirmail.tls.ClientTls;
import org.junit.jupiter.api.Test;

/** The login a proxy replays on the user's node, as transcripts against a scripted node in memory. */
class Pop3ProxyLoginTest {

    private final CompletableFuture<Connected> result = new CompletableFuture<>();
    private EmbeddedChannel node;

    private Pop3ProxyLoginTest start(Pop3ProxySettings.Tls tls) throws Exception {
        Pop3ProxySettings settings = new Pop3ProxySettings(tls, ClientTls.systemTrust(), host -> {
            throw new AssertionError("no lookups here");
        }, Duration.ofSeconds(5));
        node = new EmbeddedChannel(new LineBasedFrameDecoder(Pop3ProxyConnector.MAX_REPLY_LINE, true, true),
                new Pop3ProxyLogin(settings, "node2.test", 110, "bob", "pass word", "node2.test", result));
        return this;
    }

    /** The node says {@code reply}. */
    private Pop3ProxyLoginTest node(String reply) {
        node.writeInbound(Unpooled.copiedBuffer(reply, StandardCharsets.ISO_8859_1));
        return this;
    }

    /** The proxy sent exactly these command lines since the last check. */
    private Pop3ProxyLoginTest sent(String... lines) {
        List<String> commands = new ArrayList<>();
        for (ByteBuf b; (b = node.readOutbound()) != null; b.release()) {
            commands.add(b.toString(StandardCharsets.UTF_8));
        }
        assertThat(String.join("", commands)).isEqualTo(lines.length == 0 ? "" : String.join("\r\n", lines) + "\r\n");
        return this;
    }

    private Failure failure() {
        assertThat(result).isCompletedExceptionally();
        try {
            result.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException | InterruptedException e) {
            return (Failure) e.getCause();
        }
    }

    @Test
    void aServerWithoutCapaGetsUserAndPass() throws Exception {
        start(Pop3ProxySettings.Tls.MAY).node("+OK ready\r\n").sent("CAPA")
                .node("-ERR unknown command\r\n").sent("USER bob")
                .node("+OK\r\n").sent("PASS pass word")
                .node("+OK Logged in, 3 messages\r\n").sent();
        assertThat(result.get().loginReply()).isEqualTo("+OK Logged in, 3 messages");
        assertThat(node.config().isAutoRead()).as("quiet until the relay starts").isFalse();
    }

    @Test
    void saslPlainAfterTheHopMarkerAndAnInUseMaildrop() throws Exception {
        start(Pop3ProxySettings.Tls.MAY).node("+OK\r\n").sent("CAPA")
                .node("+OK\r\nTOP\r\nSASL LOGIN PLAIN\r\nXHOP\r\n.\r\n").sent("XHOP")
                .node("+OK noted\r\n").sent("AUTH PLAIN")
                .node("+ \r\n").sent(Base64.getEncoder().encodeToString("\0bob\0pass word".getBytes(StandardCharsets.UTF_8)))
                .node("-ERR [IN-USE] locked\r\n");
        assertThat(failure().kind()).isEqualTo(Failure.Kind.IN_USE);
    }

    @Test
    void withEncryptRequiredANodeWithoutStlsNeverSeesThePassword() throws Exception {
        start(Pop3ProxySettings.Tls.ENCRYPT).node("+OK\r\n").sent("CAPA")
                .node("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n").sent();
        assertThat(failure().kind()).isEqualTo(Failure.Kind.UNREACHABLE);
        assertThat(failure()).hasMessageContaining("STLS not offered");
    }

    @Test
    void repliesInjectedAfterTheStlsReplyEndTheLogin() throws Exception {
        // RFC 2595 4 and CVE-2011-0411 from the client side: nothing may ride along with "+OK".
        start(Pop3ProxySettings.Tls.MAY).node("+OK\r\n").sent("CAPA")
                .node("+OK\r\nSTLS\r\nUSER\r\n.\r\n").sent("STLS")
                .node("+OK Begin TLS\r\n+OK Logged in\r\n");
        assertThat(failure()).hasMessageContaining("data after the STLS reply");
    }

    @Test
    void aRefusedLoginAndAGreetingThatIsNoGreeting() throws Exception {
        start(Pop3ProxySettings.Tls.NONE).node("+OK\r\n").sent("CAPA")
                .node("+OK\r\nSTLS\r\nUSER\r\n.\r\n").sent("USER bob") // NONE: STLS is not used
                .node("+OK\r\n").sent("PASS pass word")
                .node("-ERR [AUTH] Authentication failed\r\n");
        assertThat(failure().kind()).isEqualTo(Failure.Kind.REFUSED);

        Pop3ProxyLoginTest other = new Pop3ProxyLoginTest().start(Pop3ProxySettings.Tls.MAY);
        other.node("-ERR go away\r\n").sent();
        assertThat(other.failure().kind()).isEqualTo(Failure.Kind.UNREACHABLE);
    }
}
