package org.dirmail.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** What {@code dirmail sendmail} makes of its standard input, as qmail-inject would. */
class InjectedMessageTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void lineEndsBecomeCrlfAndMissingFieldsAreAdded() {
        InjectedMessage m = parse("Subject: hi\nTo: a@example.com\n\nline\r\nbare\rcr\u0000nul\n", false);
        m.complete("root@host.example", "Cron Daemon", "host.example", NOW);

        assertThat(text(m)).matches("Subject: hi\r\nTo: a@example.com\r\nDate: Sat, 1 Mar 2025 12:00:00 \\+0000\r\n"
                + "Message-ID: <\\d+\\.[0-9a-f]{16}@host.example>\r\nFrom: \"Cron Daemon\" <root@host.example>\r\n\r\n"
                + "line\r\nbare\r\ncrnul\r\n");
    }

    @Test
    void existingFieldsAreKept() {
        InjectedMessage m = parse("From: me@x.example\nDate: yesterday\nMessage-ID: <1@x>\n\nb\n", false);
        m.complete("root@host.example", null, "host.example", NOW);

        assertThat(text(m)).isEqualTo("From: me@x.example\r\nDate: yesterday\r\nMessage-ID: <1@x>\r\n\r\nb\r\n");
    }

    @Test
    void aLoneDotEndsTheMessageUnlessIgnored() {
        assertThat(text(parse("Subject: s\n\na\n.\nb\n", false))).isEqualTo("Subject: s\r\n\r\na\r\n");
        assertThat(text(parse("Subject: s\n\na\n.\nb\n", true))).isEqualTo("Subject: s\r\n\r\na\r\n.\r\nb\r\n");
    }

    @Test
    void aBodyWithoutHeaderGetsItsSeparator() {
        assertThat(text(parse("just text, no header\nmore\n", false))).isEqualTo("\r\njust text, no header\r\nmore\r\n");
    }

    @Test
    void recipientsComeFromToCcAndBccAndBccIsRemoved() {
        InjectedMessage m = parse("To: \"Doe, John\" <john@example.com>, jane@example.com (Jane)\n"
                + "Cc: friends: a@example.com, b@example.com;\nBcc: secret@example.com,\n  other@example.com\n"
                + "Subject: s\n\nbody\n", false);

        assertThat(m.headerRecipients()).containsExactly("john@example.com", "jane@example.com", "a@example.com",
                "b@example.com", "secret@example.com", "other@example.com");
        m.removeBcc();
        assertThat(text(m)).doesNotContain("Bcc").doesNotContain("secret").contains("Subject: s\r\n\r\nbody\r\n");
    }

    @Test
    void eightBitTextPassesUnchanged() {
        byte[] latin1 = "Subject: caf\u00e9\n\n\u00e9t\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(InjectedMessage.parse(latin1, false).bytes())
                .isEqualTo("Subject: caf\u00e9\r\n\r\n\u00e9t\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(InjectedMessage.displayName("J\u00fcrgen")).isEqualTo("=?UTF-8?B?SsO8cmdlbg==?=");
    }

    private static InjectedMessage parse(String s, boolean ignoreDots) {
        return InjectedMessage.parse(s.getBytes(StandardCharsets.ISO_8859_1), ignoreDots);
    }

    private static String text(InjectedMessage m) {
        return new String(m.bytes(), StandardCharsets.ISO_8859_1);
    }
}
