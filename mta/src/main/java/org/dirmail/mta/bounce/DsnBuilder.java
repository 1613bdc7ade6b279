package org.dirmail.mta.bounce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.dirmail.mta.queue.QueuedMessage;

/**
 * Writes a delivery status notification: RFC 6522 {@code multipart/report} holding a text part in
 * Postfix's words, an RFC 3464 {@code message/delivery-status} part and the returned message (or
 * only its header when it is larger than the limit). Every value from the original message, the
 * directory or a server is sanitised by {@link DsnText}; the returned message is copied as is.
 * Hand-written rather than Jakarta Mail: its DSN classes need activation's mailcap registry, whose
 * two {@code META-INF/mailcap} files the shaded server jar would not merge, and it would pick
 * encodings and a Message-ID we need to control anyway.
 */
final class DsnBuilder {

    /** RFC 5322 3.3 date-time. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);
    /** RFC 3463 status-code syntax: class.subject.detail. */
    private static final Pattern STATUS = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final String SUBJECT = "Undelivered Mail Returned to Sender";
    private static final String POSTMASTER_SUBJECT = "Postmaster Copy: Undelivered Mail";

    private final String hostname;
    private final int sizeLimit;

    /**
     * @param hostname  this host's FQDN (validated configuration): Reporting-MTA and From
     * @param sizeLimit largest original returned whole; a larger one is returned as its header only
     */
    DsnBuilder(String hostname, int sizeLimit) {
        this.hostname = hostname;
        this.sizeLimit = sizeLimit;
    }

    /**
     * The whole DSN, CRLF line ends.
     *
     * @param original   the message that failed
     * @param failed     the recipients it failed for, in one attempt
     * @param to         who receives the report (the original sender, or the postmaster)
     * @param postmaster true for a double bounce: the original had the null sender
     */
    byte[] build(QueuedMessage original, List<FailedRecipient> failed, String to, boolean postmaster, Instant now,
            String messageId) {
        boolean whole = original.message().length <= sizeLimit;
        byte[] returned = whole ? original.message() : header(original.message());
        boolean eightBit = eightBit(returned);
        String boundary = boundary(original, now, returned);

        StringBuilder head = new StringBuilder(1024);
        head.append(DsnText.field("From", "Mail Delivery System <MAILER-DAEMON@" + hostname + ">"));
        head.append(DsnText.field("To", "<" + to + ">"));
        head.append(DsnText.field("Subject", postmaster ? POSTMASTER_SUBJECT : SUBJECT));
        head.append(DsnText.field("Date", DATE.format(now)));
        head.append(DsnText.field("Message-ID", messageId));
        head.append(DsnText.field("Auto-Submitted", "auto-replied")); // RFC 3834 5: no automatic reply to this
        head.append(DsnText.field("MIME-Version", "1.0"));
        head.append("Content-Type: multipart/report; report-type=delivery-status;\r\n");
        head.append("\tboundary=\"").append(boundary).append("\"\r\n");
        head.append(DsnText.field("Content-Transfer-Encoding", eightBit ? "8bit" : "7bit"));
        head.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        head.append("--").append(boundary).append("\r\n");
        head.append("Content-Description: Notification\r\n");
        head.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        head.append(notification(original, failed, postmaster));

        head.append("\r\n--").append(boundary).append("\r\n");
        head.append("Content-Description: Delivery report\r\n");
        head.append("Content-Type: message/delivery-status\r\n\r\n");
        head.append(deliveryStatus(original, failed, now));

        head.append("\r\n--").append(boundary).append("\r\n");
        head.append("Content-Description: ").append(whole ? "Undelivered Message" : "Undelivered Message Headers")
                .append("\r\n");
        head.append("Content-Type: ").append(whole ? "message/rfc822" : "text/rfc822-headers").append("\r\n");
        if (eightBit) {
            head.append("Content-Transfer-Encoding: 8bit\r\n");
        }
        head.append("\r\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + returned.length + 128);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(returned);
        if (!endsWithCrlf(returned)) {
            out.writeBytes(CRLF);
        }
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The human-readable part, in Postfix's words, one paragraph per recipient. */
    private String notification(QueuedMessage original, List<FailedRecipient> failed, boolean postmaster) {
        StringBuilder text = new StringBuilder(1024);
        text.append("This is the mail system at host ").append(hostname).append(".\r\n\r\n");
        if (postmaster) {
            text.append(DsnText.paragraph("A message with the null sender <> (a bounce or another notification)"
                    + " could not be delivered to one or more recipients. It cannot be returned to its sender,"
                    + " so this report goes to the postmaster. It's attached below.", ""));
        } else {
            text.append("I'm sorry to have to inform you that your message could not\r\n")
                    .append("be delivered to one or more recipients. It's attached below.\r\n\r\n")
                    .append("For further assistance, please send mail to postmaster.\r\n\r\n")
                    .append("If you do so, please include this problem report. You can\r\n")
                    .append("delete your own text from the attached returned message.\r\n");
        }
        text.append("\r\n                   The mail system\r\n");
        for (FailedRecipient f : failed) {
            String why = f.expired()
                    ? "delivery time expired; the last temporary failure was: " + f.reason()
                    : f.reason();
            text.append("\r\n").append(DsnText.paragraph("<" + f.recipient() + ">: " + why, "    "));
        }
        if (original.message().length > sizeLimit) {
            text.append("\r\n").append(DsnText.paragraph("The message was larger than " + sizeLimit
                    + " bytes; only its header is returned.", ""));
        }
        return text.toString();
    }

    /** RFC 3464 2.2 per-message fields, then 2.3 per-recipient fields for each recipient. */
    private String deliveryStatus(QueuedMessage original, List<FailedRecipient> failed, Instant now) {
        StringBuilder ds = new StringBuilder(512);
        ds.append(DsnText.field("Reporting-MTA", "dns; " + hostname));
        ds.append(DsnText.field("X-Dirmail-Queue-ID", original.id()));
        ds.append(DsnText.field("Arrival-Date", DATE.format(original.envelope().receivedAt())));
        for (FailedRecipient f : failed) {
            ds.append("\r\n");
            ds.append(DsnText.field("Final-Recipient", "rfc822; " + f.recipient()));
            ds.append(DsnText.field("Action", "failed"));
            ds.append(DsnText.field("Status", status(f)));
            f.remoteMta().ifPresent(mta -> ds.append(DsnText.field("Remote-MTA", "dns; " + mta)));
            ds.append(f.smtpReply().map(reply -> DsnText.field("Diagnostic-Code", "smtp; " + reply))
                    .orElseGet(() -> DsnText.field("Diagnostic-Code", "X-Dirmail; " + f.reason())));
            ds.append(DsnText.field("Last-Attempt-Date", DATE.format(now)));
        }
        return ds.toString();
    }

    /** The status as given when it is well-formed; otherwise the generic one of its class. */
    private static String status(FailedRecipient f) {
        String s = f.status() == null ? "" : f.status().trim();
        if (STATUS.matcher(s).matches() && (s.charAt(0) == '5' || f.expired() && s.charAt(0) == '4')) {
            return s;
        }
        return f.expired() ? "4.4.7" : "5.0.0"; // RFC 3463 4.4.7: delivery time expired
    }

    /** A delimiter that does not occur in the returned bytes (which anyone may have written). */
    private static String boundary(QueuedMessage original, Instant now, byte[] returned) {
        for (int n = 0;; n++) {
            String candidate = "=_dirmail/" + original.id() + "/" + now.toEpochMilli() + "/" + n;
            if (indexOf(returned, candidate.getBytes(StandardCharsets.US_ASCII)) < 0) {
                return candidate;
            }
        }
    }

    /** The header section, through the line before the first empty line; cut at a line end below the limit. */
    private byte[] header(byte[] message) {
        int end = indexOf(message, new byte[] {'\r', '\n', '\r', '\n'});
        int length = end < 0 ? message.length : end + 2;
        if (length > sizeLimit) {
            length = sizeLimit;
            while (length > 0 && message[length - 1] != '\n') {
                length--;
            }
        }
        return Arrays.copyOf(message, length);
    }

    private static boolean eightBit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0 || b == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsWithCrlf(byte[] bytes) {
        return bytes.length >= 2 && bytes[bytes.length - 2] == '\r' && bytes[bytes.length - 1] == '\n';
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
