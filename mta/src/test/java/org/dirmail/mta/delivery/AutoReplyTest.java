package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When an auto-reply is sent, what it looks like, and that the memory holds across restarts and expires. */
class AutoReplyTest {

    private static final String BOB = "bob@example.com";
    private static final String TEXT = "I am away.\nBack on Monday.";

    @TempDir
    Path dir;

    private final List<String> queued = new CopyOnWriteArrayList<>();
    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    private final MovableClock clock = new MovableClock(Instant.parse("2024-05-01T10:00:00Z"));

    private final MessageQueue queue = (Envelope envelope, ByteBuf message) -> {
        try {
            envelopes.add(envelope);
            queued.add(message.toString(StandardCharsets.US_ASCII));
            return CompletableFuture.completedFuture("Q" + queued.size());
        } finally {
            message.release();
        }
    };

    @Test
    void replyGoesFromTheNullSenderToTheSenderWithRfc3834Headers() throws Exception {
        String detail = open().answer(message("s@remote.example", "Subject: Lunch?\r\nMessage-ID: <m1@remote.example>\r\n"),
                BOB, TEXT);

        assertThat(detail).isEqualTo("autoreply to s@remote.example as Q1");
        assertThat(envelopes.get(0).sender()).isEmpty();
        assertThat(envelopes.get(0).recipients()).containsExactly("s@remote.example");
        String reply = queued.get(0);
        assertThat(reply).contains("\r\nFrom: <bob@example.com>\r\n", "\r\nTo: <s@remote.example>\r\n",
                "\r\nSubject: [Auto-Reply] Lunch?\r\n", "\r\nIn-Reply-To: <m1@remote.example>\r\n",
                "\r\nReferences: <m1@remote.example>\r\n", "\r\nAuto-Submitted: auto-replied\r\n",
                "\r\nMIME-Version: 1.0\r\n", "\r\nContent-Type: text/plain; charset=UTF-8\r\n",
                "\r\nDate: Wed, 1 May 2024 10:00:00 GMT\r\n")
                .containsPattern("\r\nMessage-ID: <[^>\\s]+@mx\\.example\\.com>\r\n")
                .endsWith("\r\n\r\nI am away.\r\nBack on Monday.\r\n");
    }

    @Test
    void oneReplyPerSenderWithinTheIntervalRememberedAcrossARestartThenAgain() throws Exception {
        open().answer(message("s@remote.example", "Subject: 1\r\n"), BOB, TEXT);
        String second = open().answer(message("S@Remote.example", "Subject: 2\r\n"), BOB, TEXT);
        assertThat(second).contains("answered within autoreply_interval");
        assertThat(open().answer(message("other@remote.example", "Subject: 3\r\n"), BOB, TEXT)).startsWith("autoreply to");
        assertThat(queued).hasSize(2);

        clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(open().answer(message("s@remote.example", "Subject: 4\r\n"), BOB, TEXT)).startsWith("autoreply to");
        assertThat(queued).hasSize(3);
    }

    @Test
    void aNewReplyTextStartsTheMemoryOver() throws Exception {
        AutoReply reply = open();
        reply.answer(message("s@remote.example", ""), BOB, TEXT);
        assertThat(reply.answer(message("s@remote.example", ""), BOB, "Back now.")).startsWith("autoreply to");
    }

    @Test
    void aReplyThatCannotBeQueuedIsNotRememberedAndFailsTheDelivery() throws Exception {
        MessageQueue broken = (envelope, message) -> {
            message.release();
            return CompletableFuture.failedFuture(new IOException("disk full"));
        };
        AutoReply failing = AutoReply.open(broken, dir, Duration.ofDays(7), "mx.example.com", clock, 1000);
        assertThatThrownBy(() -> failing.answer(message("s@remote.example", ""), BOB, TEXT)).hasRootCauseMessage("disk full");

        assertThat(open().answer(message("s@remote.example", ""), BOB, TEXT)).startsWith("autoreply to");
    }

    @Test
    void noReplyToNullSenderDaemonsListsBulkAutoSubmittedOrReports() {
        assertThat(AutoReply.skipReason("", BOB, bytes(""))).hasValue("null sender");
        for (String sender : List.of("MAILER-DAEMON@remote.example", "postmaster@remote.example",
                "owner-list@remote.example", "list-request@remote.example", "x-daemon@remote.example", BOB)) {
            assertThat(AutoReply.skipReason(sender, BOB, bytes(""))).as(sender).isPresent();
        }
        for (String header : List.of("Auto-Submitted: auto-generated", "Auto-Submitted: auto-replied (vacation)",
                "Precedence: bulk", "precedence: LIST", "Precedence: junk", "List-Id: <l.remote.example>",
                "Mailing-List: contact l@remote.example", "X-Spam-Status: Yes, score=9",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=x")) {
            assertThat(AutoReply.skipReason("s@remote.example", BOB, bytes(header + "\r\n"))).as(header).isPresent();
        }
        assertThat(AutoReply.skipReason("s@remote.example", BOB, bytes("Auto-Submitted: no\r\nPrecedence: first-class\r\n")))
                .isEmpty();
        // Only the header section counts.
        assertThat(AutoReply.skipReason("s@remote.example", BOB, bytes("Subject: x\r\n\r\nPrecedence: bulk\r\n"))).isEmpty();
    }

    @Test
    void hostileTextAndSubjectCannotInjectHeaders() {
        String text = "%HEADER%\nSubject: Away: %SUBJECT%\nBcc: victim@example.org\nX-Note: fine\r\n\tfolded\n"
                + "From: ceo@example.com\n\nGone fishing \u00e9t\u00e9.\u0000\n";
        byte[] reply = AutoReplyMessage.compose(BOB, "s@remote.example", text, "Hi\u0000there", "<bad id\r\nBcc: x@y>",
                "<1@mx.example.com>", clock.instant().atZone(ZoneOffset.UTC));
        String s = new String(reply, StandardCharsets.US_ASCII);
        String headers = s.substring(0, s.indexOf("\r\n\r\n") + 2);

        assertThat(headers).contains("\r\nSubject: Away: Hi there\r\n", "\r\nX-Note: fine folded\r\n",
                "\r\nContent-Transfer-Encoding: base64\r\n", "\r\nFrom: <bob@example.com>\r\n")
                .doesNotContain("Bcc", "ceo@", "In-Reply-To");
        assertThat(headers.replace("\r\n", "")).doesNotContain("\r", "\n");
        String body = new String(Base64.getMimeDecoder().decode(s.substring(s.indexOf("\r\n\r\n") + 4)), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("Gone fishing \u00e9t\u00e9.\n");
        for (byte b : reply) {
            assertThat(b).as("7-bit only").isBetween((byte) 0, (byte) 0x7f);
        }
    }

    @Test
    void nonAsciiSubjectIsEncodedAsRfc2047Words() {
        String subject = AutoReplyMessage.headerText("Re: \u00fcber alles \u2014 " + "x".repeat(60));
        assertThat(subject).startsWith("=?UTF-8?B?").doesNotContain("\u00fc");
        for (String word : subject.split("\r\n ")) {
            assertThat(word.length()).isLessThanOrEqualTo(75);
        }
    }

    @Test
    void theMemoryIsBoundedPerRecipient() throws Exception {
        AutoReplyMemory memory = AutoReplyMemory.open(dir, Duration.ofDays(7), clock);
        for (int i = 0; i < AutoReplyMemory.MAX_RECORDS + 10; i++) {
            memory.remember(BOB, "s" + i + "@remote.example", TEXT);
        }
        try (var files = Files.list(dir)) {
            Path file = files.findFirst().orElseThrow();
            assertThat(Files.readAllLines(file)).hasSize(AutoReplyMemory.MAX_RECORDS + 1);
        }
        assertThat(memory.answeredRecently(BOB, "s0@remote.example", TEXT)).isFalse();
        assertThat(memory.answeredRecently(BOB, "s" + (AutoReplyMemory.MAX_RECORDS + 9) + "@remote.example", TEXT)).isTrue();
    }

    private AutoReply open() throws IOException {
        return AutoReply.open(queue, dir, Duration.ofDays(7), "mx.example.com", clock, 1000);
    }

    private static QueuedMessage message(String sender, String headers) {
        return new QueuedMessage("ORIG1", new Envelope(sender, List.of(BOB), "192.0.2.1", Instant.EPOCH),
                bytes(headers + "\r\nhello\r\n"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A clock the test moves forward. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
