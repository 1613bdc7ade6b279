package org.dirmail.mta.delivery;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the auto-reply message (RFC 3834 3.1, RFC 5322, MIME text/plain UTF-8) from a
 * {@code mailReplyText} and the original's Subject and Message-ID, the way qmail-reply lays it out
 * (qmail-ldap.md §8.2): {@code Subject: [Auto-Reply] <subject>}, or the text's own Subject and
 * {@code X-} fields after a {@code %HEADER%} first line. Trusts neither input: header values lose
 * every control character (no CR/LF injection), non-ASCII goes out RFC 2047 encoded, Message-IDs
 * are copied only when well formed, and the text is cut at {@link #MAX_TEXT} characters.
 */
final class AutoReplyMessage {

    /** Longest reply text used (the schema allows 4096); more is cut off. */
    static final int MAX_TEXT = 16 * 1024;

    private static final String HEADER_MARK = "%HEADER%";
    private static final String DEFAULT_SUBJECT = "[Auto-Reply] %SUBJECT%";
    /** qmail-reply's stand-in when the original has no Subject. */
    private static final String NO_SUBJECT = "Your Mail";
    private static final int MAX_HEADER_VALUE = 900;
    private static final Pattern MSG_ID = Pattern.compile("<[\\x21-\\x7e&&[^<>@]]{1,240}@[\\x21-\\x7e&&[^<>]]{1,240}>");
    private static final Pattern X_FIELD = Pattern.compile("X-[A-Za-z0-9-]{1,60}");

    private AutoReplyMessage() {
    }

    /**
     * The reply's bytes, CRLF line ends.
     *
     * @param from        the auto-replying recipient (a checked address)
     * @param to          the original envelope sender (a checked address)
     * @param replyText   {@code mailReplyText}, untrusted
     * @param subject     the first line of the original Subject, raw header bytes as ISO-8859-1, or null
     * @param messageId   the original Message-ID, or null
     * @param ownId       this reply's Message-ID, {@code <...@host>}
     */
    static byte[] compose(String from, String to, String replyText, String subject, String messageId, String ownId,
            ZonedDateTime date) {
        String text = normalise(replyText.length() > MAX_TEXT ? replyText.substring(0, MAX_TEXT) : replyText);
        String subjectTemplate = DEFAULT_SUBJECT;
        List<String> extra = new ArrayList<>();
        if (text.startsWith(HEADER_MARK + "\n")) {
            int end = text.indexOf("\n\n");
            String block = end < 0 ? text.substring(HEADER_MARK.length() + 1) : text.substring(HEADER_MARK.length() + 1, end);
            text = end < 0 ? "" : text.substring(end + 2);
            for (String field : block.replaceAll("\n[ \t]+", " ").split("\n")) {
                int colon = field.indexOf(':');
                String name = colon < 0 ? "" : field.substring(0, colon).trim();
                String value = colon < 0 ? "" : field.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Subject")) {
                    subjectTemplate = value;
                } else if (X_FIELD.matcher(name).matches()) {
                    extra.add(name + ": " + headerText(value));
                }
                // Anything else (From, To, Content-Type, ...) is ours to write: dropped, as qmail-reply does.
            }
        }
        String original = subject == null || subject.isBlank() ? NO_SUBJECT
                : new String(subject.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).trim();
        StringBuilder h = new StringBuilder();
        h.append("Delivered-To: ").append(from).append("\r\n"); // qmail-reply's DTLINE: a loop meets it
        h.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
        h.append("From: <").append(from).append(">\r\n");
        h.append("To: <").append(to).append(">\r\n");
        h.append("Subject: ").append(headerText(subjectTemplate.replace("%SUBJECT%", original))).append("\r\n");
        h.append("Message-ID: ").append(ownId).append("\r\n");
        if (messageId != null && MSG_ID.matcher(messageId.trim()).matches()) {
            h.append("In-Reply-To: ").append(messageId.trim()).append("\r\n"); // RFC 3834 3.1.3
            h.append("References: ").append(messageId.trim()).append("\r\n");
        }
        h.append("Auto-Submitted: auto-replied\r\n"); // RFC 3834 5
        h.append("Precedence: junk\r\n"); // forced by qmail-reply; older responders honour it
        extra.forEach(field -> h.append(field).append("\r\n"));
        h.append("MIME-Version: 1.0\r\n");
        h.append("Content-Type: text/plain; charset=UTF-8\r\n");
        boolean plain = text.chars().allMatch(c -> c < 0x80) && text.lines().allMatch(l -> l.length() <= 998);
        String body;
        if (plain) {
            h.append("Content-Transfer-Encoding: 7bit\r\n");
            body = text.replace("\n", "\r\n");
        } else {
            h.append("Content-Transfer-Encoding: base64\r\n");
            body = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }
        h.append("\r\n").append(body);
        if (!body.isEmpty() && !body.endsWith("\r\n")) {
            h.append("\r\n");
        }
        return h.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The text with LF line ends only and no control characters but TAB. */
    private static String normalise(String text) {
        String lf = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder(lf.length());
        lf.codePoints().filter(c -> c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)))
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    /** One header value: controls become spaces, length bounded, non-ASCII as RFC 2047 B words. */
    static String headerText(String value) {
        StringBuilder clean = new StringBuilder();
        value.codePoints().map(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? ' ' : c)
                .forEach(clean::appendCodePoint);
        String text = clean.toString().trim();
        if (text.length() > MAX_HEADER_VALUE) {
            text = text.substring(0, text.offsetByCodePoints(0, text.codePointCount(0, MAX_HEADER_VALUE)));
        }
        if (text.chars().allMatch(c -> c < 0x80)) {
            return text;
        }
        // RFC 2047 2: encoded words of at most 75 characters; 45 bytes of UTF-8 make 60 of base64.
        List<String> words = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String c = new String(Character.toChars(cp));
            if ((chunk + c).getBytes(StandardCharsets.UTF_8).length > 45) {
                words.add(encodedWord(chunk.toString()));
                chunk.setLength(0);
            }
            chunk.append(c);
            i += Character.charCount(cp);
        }
        words.add(encodedWord(chunk.toString()));
        return String.join("\r\n ", words);
    }

    private static String encodedWord(String text) {
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** A one-line view of a reply text for {@code dirmail lookup}. */
    static String preview(String replyText) {
        String line = normalise(replyText).replace('\n', ' ').replace('\t', ' ').trim();
        String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        return "\"" + shown + "\" (" + replyText.length() + " characters)";
    }
}
