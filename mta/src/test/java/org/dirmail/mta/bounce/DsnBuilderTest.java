package org.dirmail.mta.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.QueuedMessage;
import org.eclipse.angus.mail.dsn.MessageHeaders;
import org.junit.jupiter.api.Test;

/** The DSN's bytes, read back with a real MIME parser (RFC 6522 report, RFC 3464 fields). */
class DsnBuilderTest {

    private static final Instant ARRIVAL = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");
    private static final String ORIGINAL = "From: alice@example.com\r\nTo: bob@remote.example\r\n"
            + "Subject: lunch\r\nMessage-ID: <orig@example.com>\r\n\r\nSee you at noon.\r\n";

    private final DsnBuilder builder = new DsnBuilder("mx.test.example", 50_000);

    @Test
    void aRemoteRefusalBecomesAReportWithEveryRfc3464Field() throws Exception {
        FailedRecipient bob = new FailedRecipient("bob@remote.example", "5.1.1",
                "mx.remote.example[192.0.2.7]:25 said: 550 5.1.1 no such user", "mx.remote.example[192.0.2.7]:25", false);
        FailedRecipient ghost = new FailedRecipient("ghost@example.com", "5.1.1", "no mailbox here by that name",
                "local", false);

        byte[] bytes = builder.build(original(ORIGINAL), List.of(bob, ghost), "alice@example.com", false, NOW,
                "<1.Q1.1@mx.test.example>");
        Dsn dsn = Dsn.parse(bytes);

        MimeMessage m = dsn.message;
        assertThat(m.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("MAILER-DAEMON@mx.test.example");
        assertThat(from.getPersonal()).isEqualTo("Mail Delivery System");
        assertThat(m.getHeader("To", null)).isEqualTo("<alice@example.com>");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(m.getMessageID()).isEqualTo("<1.Q1.1@mx.test.example>");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");

        assertThat(dsn.messageField("Reporting-MTA")).isEqualTo("dns; mx.test.example");
        assertThat(dsn.messageField("X-Dirmail-Queue-ID")).isEqualTo("Q1");
        assertThat(dsn.messageField("Arrival-Date")).isEqualTo("Sun, 1 Mar 2026 10:00:00 +0000");
        assertThat(dsn.recipients()).isEqualTo(2);
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; bob@remote.example");
        assertThat(dsn.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(dsn.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(dsn.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.remote.example");
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 no such user");
        assertThat(dsn.recipientField(1, "Final-Recipient")).isEqualTo("rfc822; ghost@example.com");
        assertThat(dsn.recipientField(1, "Remote-MTA")).isNull();
        assertThat(dsn.recipientField(1, "Diagnostic-Code")).isEqualTo("X-Dirmail; no mailbox here by that name");

        assertThat(dsn.text()).contains("This is the mail system at host mx.test.example.")
                .contains("<bob@remote.example>: mx.remote.example[192.0.2.7]:25 said: 550 5.1.1 no such user")
                .contains("<ghost@example.com>: no mailbox here by that name");
        assertThat(dsn.returned().getContentType()).isEqualTo("message/rfc822");
        MimeMessage returned = (MimeMessage) dsn.returned().getContent();
        assertThat(returned.getMessageID()).isEqualTo("<orig@example.com>");
        assertThat(returned.getContent().toString()).isEqualTo("See you at noon.\r\n");
        assertSafeLines(bytes);
    }

    @Test
    void hostileDiagnosticsAreMadePrintableAndFoldedBelow998Octets() throws Exception {
        String evil = "said: 550 \u0000bad\r\nInjected: yes\u00e9\u001b[31m " + "x".repeat(3000) + " tail";
        FailedRecipient r = new FailedRecipient("bob@remote.example", "5.7.1\r\nX: y", "mx.r.example said: 550 " + evil,
                "mx.r.example[192.0.2.1]:25", false);

        byte[] bytes = builder.build(original(ORIGINAL), List.of(r), "alice@example.com", false, NOW, "<m@h>");
        Dsn dsn = Dsn.parse(bytes);

        assertSafeLines(bytes);
        assertThat(dsn.recipientField(0, "Status")).as("a malformed status falls back").isEqualTo("5.0.0");
        assertThat(dsn.status.getRecipientDSN(0).getHeader("Injected")).isNull();
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).startsWith("smtp; 550 said: 550 ?bad Injected: yes??[31m xxx");
        assertThat(dsn.text()).doesNotContain("\u001b");
    }

    @Test
    void anOriginalOverTheSizeLimitReturnsOnlyItsHeader() throws Exception {
        String big = ORIGINAL + "y".repeat(200) + "\r\n";
        DsnBuilder small = new DsnBuilder("mx.test.example", 100);
        FailedRecipient r = new FailedRecipient("ghost@example.com", "5.1.1", "unknown user", "local", false);

        Dsn dsn = Dsn.parse(small.build(original(big), List.of(r), "alice@example.com", false, NOW, "<m@h>"));

        assertThat(dsn.returned().getContentType()).isEqualTo("text/rfc822-headers");
        MessageHeaders headers = (MessageHeaders) dsn.returned().getContent();
        assertThat(headers.getHeader("Message-ID", null)).isEqualTo("<orig@example.com>");
        assertThat(headers.getHeader("Subject", null)).isEqualTo("lunch");
        assertThat(new String(small.build(original(big), List.of(r), "a@b.example", false, NOW, "<m@h>"),
                StandardCharsets.US_ASCII)).doesNotContain("See you at noon").doesNotContain("yyyy");
        assertThat(dsn.text()).contains("only its header is returned");
    }

    @Test
    void anExpiredRecipientKeepsItsLastTemporaryStatus() throws Exception {
        FailedRecipient r = new FailedRecipient("bob@remote.example", "4.2.0",
                "mx.remote.example[127.0.0.1]:2525 said: 451 4.2.0 try later", "mx.remote.example[127.0.0.1]:2525", true);

        Dsn dsn = Dsn.parse(builder.build(original(ORIGINAL), List.of(r), "alice@example.com", false, NOW, "<m@h>"));

        assertThat(dsn.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(dsn.recipientField(0, "Status")).isEqualTo("4.2.0");
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 451 4.2.0 try later");
        assertThat(dsn.text()).contains("<bob@remote.example>: delivery time expired; the last temporary failure was:");
    }

    @Test
    void aDoubleBounceIsAPostmasterCopyAndAnEightBitOriginalIsLabelled() throws Exception {
        byte[] eightBit = ("From: <>\r\nSubject: r\u00e9sum\u00e9\r\n\r\nd\u00e9j\u00e0\r\n").getBytes(StandardCharsets.UTF_8);
        FailedRecipient r = new FailedRecipient("x@remote.example", "5.1.1", "no", "none", false);

        byte[] bytes = builder.build(new QueuedMessage("Q2", new Envelope("", List.of("x@remote.example"), "::1", ARRIVAL),
                eightBit), List.of(r), "postmaster@mx.test.example", true, NOW, "<m@h>");
        Dsn dsn = Dsn.parse(bytes);

        assertThat(dsn.message.getSubject()).isEqualTo("Postmaster Copy: Undelivered Mail");
        assertThat(dsn.message.getHeader("Content-Transfer-Encoding", null)).isEqualTo("8bit");
        assertThat(dsn.returned().getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        assertThat(dsn.text()).contains("null sender <>");
    }

    private static QueuedMessage original(String text) {
        return new QueuedMessage("Q1", new Envelope("alice@example.com", List.of("bob@remote.example"), "192.0.2.9",
                ARRIVAL), text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Only CRLF line ends, none over 998 octets, and nothing but 7-bit in our own parts. */
    private static void assertSafeLines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        for (String line : text.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(text.chars().allMatch(c -> c < 0x80 && (c >= 0x20 || c == '\r' || c == '\n' || c == '\t'))).isTrue();
    }
}
