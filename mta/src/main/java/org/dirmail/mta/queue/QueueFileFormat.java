package org.dirmail.mta.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk format of a message file: text records, one per line, ending with an explicit
 * {@code end} record (as Postfix's queue files do), then exactly {@code size} message bytes.
 *
 * <pre>
 * DIRMAIL-QUEUE 1
 * arrival 1764230400000
 * client 127.0.0.1
 * sender alice@example.com        (empty after the space for the null sender)
 * rcpt bob@example.com            (one per recipient, in RCPT order)
 * size 1234
 * end
 * &lt;1234 message bytes&gt;
 * </pre>
 *
 * A file whose records are malformed, whose {@code end} is missing or whose byte count does not
 * match is corrupt: it is never delivered and never silently dropped.
 */
final class QueueFileFormat {

    private static final String MAGIC = "DIRMAIL-QUEUE 1";

    private QueueFileFormat() {
    }

    /** The header records for an envelope and a message of {@code size} bytes. */
    static byte[] header(Envelope envelope, long size) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(MAGIC).append('\n');
        sb.append("arrival ").append(envelope.receivedAt().toEpochMilli()).append('\n');
        sb.append("client ").append(checked(envelope.clientAddress())).append('\n');
        sb.append("sender ").append(checked(envelope.sender())).append('\n');
        for (String rcpt : envelope.recipients()) {
            sb.append("rcpt ").append(checked(rcpt)).append('\n');
        }
        sb.append("size ").append(size).append('\n');
        sb.append("end\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a whole message file; throws {@link CorruptQueueFileException} on any defect. */
    static QueuedMessage parse(String id, byte[] file) throws CorruptQueueFileException {
        int pos = 0;
        List<String> records = new ArrayList<>();
        while (true) {
            int nl = indexOf(file, (byte) '\n', pos);
            if (nl < 0) {
                throw new CorruptQueueFileException(id, "no end record");
            }
            String record = new String(file, pos, nl - pos, StandardCharsets.UTF_8);
            pos = nl + 1;
            if (record.equals("end")) {
                break;
            }
            records.add(record);
        }
        Header header = header(id, records);
        if (file.length - pos != header.size()) {
            throw new CorruptQueueFileException(id, "expected " + header.size() + " message bytes, found "
                    + (file.length - pos));
        }
        byte[] message = new byte[(int) header.size()];
        System.arraycopy(file, pos, message, 0, message.length);
        return new QueuedMessage(id, header.envelope(), message);
    }

    /** The envelope and message size of a message file, read up to its end record only. */
    record Header(Envelope envelope, long size) {
    }

    /**
     * Reads only the records of a message file (for listing a queue without loading messages).
     * At most {@code maxBytes} are read before the end record; a longer header is corrupt.
     */
    static Header readHeader(String id, InputStream in, int maxBytes) throws IOException, CorruptQueueFileException {
        List<String> records = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int total = 0;
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0 || ++total > maxBytes) {
                throw new CorruptQueueFileException(id, "no end record");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String record = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (record.equals("end")) {
                return header(id, records);
            }
            records.add(record);
        }
    }

    private static Header header(String id, List<String> records) throws CorruptQueueFileException {
        if (records.isEmpty() || !records.get(0).equals(MAGIC)) {
            throw new CorruptQueueFileException(id, "not a dirmail queue file");
        }
        Long arrival = null;
        Long size = null;
        String client = null;
        String sender = null;
        List<String> rcpts = new ArrayList<>();
        for (String record : records.subList(1, records.size())) {
            int sp = record.indexOf(' ');
            String name = sp < 0 ? record : record.substring(0, sp);
            String value = sp < 0 ? "" : record.substring(sp + 1);
            switch (name) {
                case "arrival" -> arrival = number(id, value);
                case "client" -> client = value;
                case "sender" -> sender = value;
                case "rcpt" -> rcpts.add(value);
                case "size" -> size = number(id, value);
                default -> throw new CorruptQueueFileException(id, "unknown record '" + name + "'");
            }
        }
        if (arrival == null || size == null || client == null || sender == null || rcpts.isEmpty()) {
            throw new CorruptQueueFileException(id, "missing records");
        }
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new CorruptQueueFileException(id, "bad size " + size);
        }
        return new Header(new Envelope(sender, rcpts, client, Instant.ofEpochMilli(arrival)), size);
    }

    private static long number(String id, String value) throws CorruptQueueFileException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CorruptQueueFileException(id, "bad number '" + value + "'");
        }
    }

    /** Envelope values come from the network; a line break or NUL would forge records. */
    private static String checked(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == 0) {
                throw new IllegalArgumentException("envelope value contains CR, LF or NUL");
            }
        }
        return value;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
