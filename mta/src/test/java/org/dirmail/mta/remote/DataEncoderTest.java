package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 5321 4.5.2 transparency and 2.3.8 line ends, including on random bytes. */
class DataEncoderTest {

    @Test
    void dotsAreStuffedAndTheEndIsMarked() {
        assertThat(encode(".\r\n..\r\nx.\r\n")).isEqualTo("..\r\n...\r\nx.\r\n.\r\n");
        assertThat(encode("")).isEqualTo(".\r\n");
        assertThat(encode("no line end")).isEqualTo("no line end\r\n.\r\n");
    }

    @Test
    void bareCrAndLfBecomeCrlfSoNothingEndsTheDataEarly() {
        assertThat(encode("a\n.\nb\r.\rc")).isEqualTo("a\r\n..\r\nb\r\n..\r\nc\r\n.\r\n");
    }

    @Test
    void randomMessagesNeverContainAnEarlyEndOrABareLineEnd() {
        Random random = new Random(42);
        byte[] alphabet = {'\r', '\n', '.', 'a', (byte) 0xe9};
        for (int round = 0; round < 2000; round++) {
            byte[] message = new byte[random.nextInt(40)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String wire = encode(message);
            assertThat(wire).endsWith(".\r\n");
            String body = wire.substring(0, wire.length() - 3);
            assertThat(body.isEmpty() || body.endsWith("\r\n")).as("body ends with CRLF").isTrue();
            assertThat(body.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
            StringBuilder unstuffed = new StringBuilder();
            for (String line : body.split("\r\n", -1)) {
                // RFC 5321 4.5.2: a line starting with a dot was stuffed, so no line is the end mark.
                assertThat(!line.startsWith(".") || line.startsWith("..")).as("stuffed: %s", line).isTrue();
                unstuffed.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            String text = new String(message, StandardCharsets.ISO_8859_1);
            String normalised = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
            if (!normalised.isEmpty() && !normalised.endsWith("\r\n")) {
                normalised += "\r\n";
            }
            // What the next hop reads back is the message, with CRLF for every line end.
            assertThat(unstuffed.substring(0, unstuffed.length() - 2)).isEqualTo(normalised);
        }
    }

    @Test
    void eightBitIsDetected() {
        assertThat(DataEncoder.hasEightBit("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))).isTrue();
        assertThat(DataEncoder.hasEightBit("cafe".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
    }

    private static String encode(String message) {
        return encode(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String encode(byte[] message) {
        ByteBuf out = DataEncoder.encode(message, UnpooledByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }
}
