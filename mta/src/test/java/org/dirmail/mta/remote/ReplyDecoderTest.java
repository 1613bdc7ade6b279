package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5321 4.2 reply framing, strictly: what a hostile server can send and what we make of it. */
class ReplyDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ReplyDecoder());

    @Test
    void aMultiLineReplyIsOneReplyEvenWhenSplitAcrossReads() {
        write("250-mx.example.net\r\n250-PIPELIN");
        assertThat((Object) channel.readInbound()).isNull();
        write("ING\r\n250 SIZE 1000\r\n");
        ClientReply reply = channel.readInbound();
        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.lines()).containsExactly("mx.example.net", "PIPELINING", "SIZE 1000");
        assertThat(EhloCapabilities.parse(reply)).isEqualTo(new EhloCapabilities(true, 1000, false, false, java.util.Set.of()));
    }

    @Test
    void theEnhancedCodeIsTakenOnlyWhenItsClassMatches() {
        write("550 5.1.1 no such user\r\n450 5.1.1 inconsistent\r\n250\r\n");
        assertThat(((ClientReply) channel.readInbound()).enhanced()).isEqualTo("5.1.1");
        assertThat(((ClientReply) channel.readInbound()).enhanced()).isEmpty();
        assertThat(((ClientReply) channel.readInbound()).lines()).containsExactly("");
    }

    @Test
    void bareLfIsAProtocolError() {
        assertThatThrownBy(() -> write("250 ok\n")).isInstanceOf(DecoderException.class).hasMessageContaining("bare LF");
    }

    @Test
    void bareCrIsAProtocolError() {
        assertThatThrownBy(() -> write("250 o\rk\r\n")).isInstanceOf(DecoderException.class).hasMessageContaining("bare CR");
    }

    @Test
    void malformedCodesAndChangingCodesAreErrors() {
        for (String bad : List.of("25 ok\r\n", "650 ok\r\n", "2x0 ok\r\n", "250ok\r\n", "250-a\r\n251 b\r\n")) {
            EmbeddedChannel ch = new EmbeddedChannel(new ReplyDecoder());
            assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.US_ASCII)))
                    .as(bad).isInstanceOf(DecoderException.class);
        }
    }

    @Test
    void endlessLinesAndEndlessRepliesAreCut() {
        assertThatThrownBy(() -> write("250 " + "x".repeat(ReplyDecoder.MAX_LINE_OCTETS)))
                .isInstanceOf(DecoderException.class);
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyDecoder());
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("250-x\r\n".repeat(ReplyDecoder.MAX_LINES + 1),
                StandardCharsets.US_ASCII))).isInstanceOf(DecoderException.class);
    }

    @Test
    void serverTextIsSanitisedForLogsAndBounces() {
        write("550 5.7.1 bad\u0007bell \u00ff\r\n");
        ClientReply reply = channel.readInbound();
        assertThat(reply.text()).isEqualTo("5.7.1 bad?bell ?");
        assertThat(reply.status("mx[127.0.0.1]:25")).isEqualTo(
                new RecipientStatus.Failed(550, "5.7.1", "mx[127.0.0.1]:25 said: 550 5.7.1 bad?bell ?"));
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }
}
