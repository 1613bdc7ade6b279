package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strict CRLF framing (RFC 5321 2.3.8): bare CR/LF never end a line, long lines are bounded. */
class SmtpLineDecoderTest {

    @Test
    void onlyCrLfEndsALine() {
        List<SmtpLine> lines = decode("HELO a\r\nNOOP\nQUIT\r\nx\ry\r\n\r\n.\r\n");
        assertThat(lines).extracting(SmtpLine::text).containsExactly("HELO a", "NOOP\nQUIT", "x\ry", "", ".");
        assertThat(lines).extracting(SmtpLine::bareLineEnd).containsExactly(false, true, true, false, false);
        assertThat(lines.get(4).isEndOfData()).isTrue();
        assertThat(lines.get(1).isEndOfData()).isFalse();
    }

    @Test
    void lineFeedDotCrLfIsNotAnEndOfData() {
        List<SmtpLine> lines = decode("text\n.\r\n");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).isEndOfData()).isFalse();
        assertThat(lines.get(0).bareLineEnd()).isTrue();
    }

    @Test
    void crAtTheEndOfASegmentWaitsForTheNext() {
        var channel = new EmbeddedChannel(new SmtpLineDecoder());
        channel.writeInbound(Unpooled.copiedBuffer("NOOP\r", StandardCharsets.US_ASCII));
        SmtpLine none = channel.readInbound();
        assertThat(none).isNull();
        channel.writeInbound(Unpooled.copiedBuffer("\n", StandardCharsets.US_ASCII));
        SmtpLine line = channel.readInbound();
        assertThat(line.text()).isEqualTo("NOOP");
        assertThat(line.bareLineEnd()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void lineLengthsAreCountedWithTheirCrLf() {
        List<SmtpLine> lines =
                decode("x".repeat(998) + "\r\n" + "y".repeat(999) + "\r\n" + "z".repeat(100_000) + "\r\n");
        assertThat(lines).extracting(SmtpLine::octets).containsExactly(1000, 1001, 1001);
        assertThat(lines).extracting(SmtpLine::tooLong).containsExactly(false, true, true);
        assertThat(lines.get(1).content()).isEmpty();
    }

    /** Seeded random bytes in random chunks, checked against a plain split on CRLF. */
    @Test
    void fuzzedInputIsFramedExactlyLikeASplitOnCrLf() {
        byte[] alphabet = {'\r', '\n', '.', 'a', ' ', 0, (byte) 0xff};
        for (long seed = 1; seed <= 500; seed++) {
            Random random = new Random(seed);
            var input = new ByteArrayOutputStream();
            while (input.size() < 4000) {
                if (random.nextInt(50) == 0) {
                    input.writeBytes("b".repeat(random.nextInt(1200)).getBytes(StandardCharsets.US_ASCII));
                }
                boolean any = random.nextInt(4) == 0;
                input.write(any ? random.nextInt(256) : alphabet[random.nextInt(alphabet.length)]);
            }
            List<SmtpLine> lines = decodeInChunks(input.toByteArray(), random);
            List<String> expected = reference(input.toByteArray()).stream()
                    .map(SmtpLineDecoderTest::describe).toList();
            assertThat(lines).as("seed %d", seed).extracting(SmtpLineDecoderTest::describe)
                    .containsExactlyElementsOf(expected);
            for (SmtpLine line : lines) {
                boolean hasCrOrLf = line.text().indexOf('\r') >= 0 || line.text().indexOf('\n') >= 0;
                assertThat(!hasCrOrLf || line.bareLineEnd()).as("seed %d: unflagged CR/LF", seed).isTrue();
                assertThat(line.content().length).isLessThanOrEqualTo(SmtpLineDecoder.MAX_LINE_OCTETS - 2);
            }
        }
    }

    private static String describe(SmtpLine line) {
        return line.octets() + (line.bareLineEnd() ? " bare" : "") + (line.tooLong() ? " long" : "")
                + " " + line.text();
    }

    private static List<SmtpLine> reference(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        List<SmtpLine> expected = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf("\r\n", start)) >= 0) {
            String line = text.substring(start, end);
            boolean tooLong = line.length() + 2 > SmtpLineDecoder.MAX_LINE_OCTETS;
            expected.add(new SmtpLine(tooLong ? new byte[0] : line.getBytes(StandardCharsets.ISO_8859_1),
                    Math.min(line.length() + 2, SmtpLineDecoder.MAX_LINE_OCTETS + 1),
                    line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0, tooLong));
            start = end + 2;
        }
        return expected;
    }

    private static List<SmtpLine> decodeInChunks(byte[] input, Random random) {
        var channel = new EmbeddedChannel(new SmtpLineDecoder());
        int offset = 0;
        while (offset < input.length) {
            int length = Math.min(input.length - offset, 1 + random.nextInt(64));
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, offset, offset + length)));
            offset += length;
        }
        List<SmtpLine> lines = new ArrayList<>();
        SmtpLine line;
        while ((line = channel.readInbound()) != null) {
            lines.add(line);
        }
        channel.finishAndReleaseAll();
        return lines;
    }

    private static List<SmtpLine> decode(String text) {
        return decodeInChunks(text.getBytes(StandardCharsets.ISO_8859_1), new Random(0));
    }
}
