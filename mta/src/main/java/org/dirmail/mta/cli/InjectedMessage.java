package org.dirmail.mta.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A message read from {@code sendmail}'s standard input, made fit for the queue as qmail-inject
 * does: line ends become CRLF (a lone CR ends a line too, so none can reach the wire), NUL bytes
 * are dropped, a line with a single dot ends the input unless {@code -i}; {@code Date:},
 * {@code Message-ID:} and {@code From:} are added when missing; {@code Bcc:} is removed. Trusts
 * nothing in the input: the local user wrote it.
 */
final class InjectedMessage {

    /** RFC 5322 3.3 date-time with a numeric zone. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One header field: its name and its lines (the first, then continuations), without CRLF. */
    private record Field(String name, List<String> lines) {
        String unfolded() {
            String joined = String.join(" ", lines);
            return joined.substring(joined.indexOf(':') + 1).strip();
        }
    }

    private final List<Field> header = new ArrayList<>();
    private final List<String> body = new ArrayList<>();

    private InjectedMessage() {
    }

    /** Splits the input into lines and header fields; see the class comment for what is changed. */
    static InjectedMessage parse(byte[] input, boolean ignoreDots) {
        InjectedMessage m = new InjectedMessage();
        boolean inHeader = true;
        for (String line : lines(input)) {
            if (!ignoreDots && line.equals(".")) {
                break; // sendmail(8) without -i: a lone dot ends the message
            }
            if (inHeader) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !m.header.isEmpty()) {
                    m.header.get(m.header.size() - 1).lines().add(line);
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).chars().allMatch(c -> c > 32 && c < 127)) {
                    List<String> fieldLines = new ArrayList<>();
                    fieldLines.add(line);
                    m.header.add(new Field(line.substring(0, colon), fieldLines));
                    continue;
                }
                inHeader = false;
                if (line.isEmpty()) {
                    continue; // the separator; written back by bytes()
                }
            }
            m.body.add(line);
        }
        return m;
    }

    /** The addresses of every To, Cc and Bcc field, for {@code -t}. */
    List<String> headerRecipients() {
        List<String> out = new ArrayList<>();
        for (Field f : header) {
            String n = f.name().toLowerCase(Locale.ROOT);
            if (n.equals("to") || n.equals("cc") || n.equals("bcc")) {
                out.addAll(HeaderAddresses.parse(f.unfolded()));
            }
        }
        return out;
    }

    /** Removes Bcc fields: blind copies must not show to the other recipients. */
    void removeBcc() {
        header.removeIf(f -> f.name().equalsIgnoreCase("bcc"));
    }

    /** Adds Date, Message-ID and From when missing (RFC 5322 3.6: Date and From are required). */
    void complete(String from, String fullName, String hostname, ZonedDateTime now) {
        if (!has("date")) {
            add("Date: " + DATE.format(now));
        }
        if (!has("message-id")) {
            byte[] nonce = new byte[8];
            RANDOM.nextBytes(nonce);
            add("Message-ID: <" + now.toInstant().toEpochMilli() + "." + HexFormat.of().formatHex(nonce) + "@"
                    + hostname + ">");
        }
        if (!has("from")) {
            add("From: " + (fullName == null || fullName.isBlank() ? "" : displayName(fullName) + " ") + "<" + from + ">");
        }
    }

    /** The message with CRLF line ends: header, an empty line, body. */
    byte[] bytes() {
        StringBuilder sb = new StringBuilder();
        header.forEach(f -> f.lines().forEach(l -> sb.append(l).append("\r\n")));
        sb.append("\r\n");
        body.forEach(l -> sb.append(l).append("\r\n"));
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private boolean has(String name) {
        return header.stream().anyMatch(f -> f.name().equalsIgnoreCase(name));
    }

    private void add(String line) {
        List<String> lines = new ArrayList<>();
        lines.add(line);
        header.add(new Field(line.substring(0, line.indexOf(':')), lines));
    }

    /** A quoted-string (RFC 5322 3.2.4), or an RFC 2047 encoded-word when the name is not ASCII. */
    static String displayName(String name) {
        String clean = name.replaceAll("[\\r\\n\\x00-\\x1f]", " ").strip();
        if (!clean.chars().allMatch(c -> c < 127)) {
            return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(clean.getBytes(StandardCharsets.UTF_8)) + "?=";
        }
        return "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** LF, CRLF and a lone CR each end a line; NUL bytes are dropped. Latin-1 maps bytes to chars one to one, so 8-bit text passes unchanged. */
    private static List<String> lines(byte[] input) {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        for (int i = 0; i < input.length; i++) {
            byte b = input[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < input.length && input[i + 1] == '\n') {
                    i++;
                }
                out.add(line.toString(StandardCharsets.ISO_8859_1));
                line.reset();
            } else if (b != 0) {
                line.write(b);
            }
        }
        if (line.size() > 0) {
            out.add(line.toString(StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
