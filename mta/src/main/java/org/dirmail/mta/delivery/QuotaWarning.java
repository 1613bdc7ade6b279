package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import org.dirmail.mta.quota.Maildirsize;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.dirmail.mta.quota.QuotaUsage;

/**
 * Tells a user, once per crossing, that their mailbox is nearly full: a short message written
 * straight into their own Maildir (bypassing the quota, as qmail-quotawarn does). The marker file
 * {@value #MARKER} at the Maildir root remembers that the warning went out; it is removed when the
 * usage is seen below the threshold again, so the next crossing warns again. The recipient address
 * comes from the queue and is reduced to printable characters before it enters a header.
 */
final class QuotaWarning {

    /** At the Maildir root, beside {@code maildirsize}; Courier and Dovecot ignore other files there. */
    static final String MARKER = "dirmail-quota-warned";

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final MaildirWriter writer;
    private final String hostname;
    private final QuotaPolicy policy;

    QuotaWarning(MaildirWriter writer, String hostname, QuotaPolicy policy) {
        this.writer = writer;
        this.hostname = hostname;
        this.policy = policy;
    }

    /**
     * Looks at {@code usage} (after the delivery, or what it would have been for a refused one):
     * at or above the threshold without the marker, creates the marker and delivers the warning;
     * below it, removes the marker.
     *
     * @return true when a warning was delivered now
     */
    boolean update(Path maildir, String rcpt, QuotaUsage usage, QuotaLimits limits) throws IOException {
        Path marker = maildir.resolve(MARKER);
        int percent = usage.percentOf(limits);
        if (!policy.warns(percent)) {
            Files.deleteIfExists(marker);
            return false;
        }
        try {
            // CREATE_NEW is the lock: of two deliveries crossing at once, one warns.
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        byte[] content = message(printable(rcpt), usage, limits, percent);
        writer.deliver(maildir, content);
        Maildirsize.append(maildir, content.length, 1);
        return true;
    }

    private byte[] message(String rcpt, QuotaUsage usage, QuotaLimits limits, int percent) {
        String fate = policy.bounceOverQuota() ? "returned to its senders" : "held until there is room, then returned";
        String text = "Return-Path: <>\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\n"
                + "From: Mail Delivery System <MAILER-DAEMON@" + hostname + ">\n"
                + "To: <" + rcpt + ">\n"
                + "Subject: Your mailbox is " + Math.min(percent, 100) + "% full\n"
                + "Message-ID: <" + System.currentTimeMillis() + "." + SEQUENCE.incrementAndGet() + ".quota@"
                + hostname + ">\n"
                + "Auto-Submitted: auto-generated\n" // RFC 3834 5: no auto-reply may answer this
                + "MIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "Content-Transfer-Encoding: 7bit\n"
                + "\n"
                + "Your mailbox <" + rcpt + "> on " + hostname + " is " + percent + "% full.\n"
                + "\n"
                + "  size:     " + usage.bytes() + " bytes" + limit(limits.bytes(), "bytes") + "\n"
                + "  messages: " + usage.count() + limit(limits.count(), "") + "\n"
                + "\n"
                + "When it is full, new mail for you will be " + fate + ".\n"
                + "Please delete the messages you no longer need.\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String limit(long value, String unit) {
        return value == 0 ? " (no limit)" : " of " + value + (unit.isEmpty() ? "" : " " + unit);
    }

    /** Printable ASCII without angle brackets: the address cannot break out of its header. */
    static String printable(String address) {
        StringBuilder out = new StringBuilder(address.length());
        address.chars().filter(c -> c > 0x20 && c < 0x7f && c != '<' && c != '>').forEach(c -> out.append((char) c));
        return out.toString();
    }
}
