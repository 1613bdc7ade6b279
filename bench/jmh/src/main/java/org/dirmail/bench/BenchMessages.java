package org.dirmail.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The test message every benchmark and the latency probe send: a few header fields and 76-octet
 * text lines, some of them starting with a dot so the client must dot-stuff them (RFC 5321
 * 4.5.2). Deterministic, so runs compare.
 */
public final class BenchMessages {

    /** Forked benchmark JVMs log warnings only: dirmail logs every connection and message at INFO. */
    public static final String QUIET_LOGS = "-Ddirmail.log.level=WARN";

    private static final int LINE = 76;
    /** Every this many lines one starts with a dot, as a quoted "..." or a signature often does. */
    private static final int DOT_EVERY = 10;

    private BenchMessages() {
    }

    /** A message of exactly {@code size} octets (at least the header), CRLF line ends, not stuffed. */
    public static byte[] message(int size) {
        String header = "From: Bench <sender@client.example.net>\r\n"
                + "To: <alice@example.com>\r\n"
                + "Subject: dirmail benchmark message\r\n"
                + "Message-ID: <bench@client.example.net>\r\n"
                + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + LINE);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        for (int line = 0; out.size() < size; line++) {
            int room = size - out.size();
            int length = Math.min(LINE, room - 2);
            if (length < 1) {
                // too little room for text and CRLF: fill with spaces so the size is exact
                out.writeBytes(" ".repeat(room).getBytes(StandardCharsets.US_ASCII));
                break;
            }
            StringBuilder text = new StringBuilder(length);
            text.append(line % DOT_EVERY == DOT_EVERY - 1 ? '.' : (char) ('a' + line % 26));
            while (text.length() < length) {
                text.append((char) ('a' + (text.length() + line) % 26));
            }
            out.writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** {@code message} as it goes after DATA: a dot doubled at the start of each line; no final dot. */
    public static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 100 + 2);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
