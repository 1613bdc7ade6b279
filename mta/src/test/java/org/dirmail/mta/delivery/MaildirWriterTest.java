package org.dirmail.mta.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirWriterTest {

    @TempDir
    Path root;

    @Test
    void createsTheMaildirAndWritesIntoNewWithLfLineEnds() throws Exception {
        Path maildir = root.resolve("example.com/alice/Maildir");
        MaildirWriter writer = new MaildirWriter("mx.example.com");
        Path file = writer.deliver(maildir, new String[] {"Return-Path: <a@b>", "Delivered-To: alice@example.com"},
                "Subject: x\r\n\r\nline\r\n".getBytes(US_ASCII));

        assertThat(maildir.resolve("tmp")).isEmptyDirectory();
        assertThat(maildir.resolve("cur")).isEmptyDirectory();
        assertThat(file.getParent()).isEqualTo(maildir.resolve("new"));
        String content = Files.readString(file, US_ASCII);
        assertThat(content).isEqualTo("Return-Path: <a@b>\nDelivered-To: alice@example.com\nSubject: x\n\nline\n");
        int lines = (int) content.chars().filter(c -> c == '\n').count();
        assertThat(file.getFileName().toString())
                .endsWith(".mx.example.com,S=" + content.length() + ",W=" + (content.length() + lines));
    }

    @Test
    void namesAreUniqueAndHostnameIsEscaped() throws Exception {
        MaildirWriter writer = new MaildirWriter("odd:host/name");
        Path a = writer.deliver(root.resolve("M"), new String[0], "a\r\n".getBytes(US_ASCII));
        Path b = writer.deliver(root.resolve("M"), new String[0], "a\r\n".getBytes(US_ASCII));
        assertThat(a).isNotEqualTo(b);
        assertThat(a.getFileName().toString()).contains("odd\\072host\\057name").doesNotContain(":").doesNotContain("/");
    }

    @Test
    void loneCrAndLfAreKeptOnlyCrlfIsConverted() {
        byte[] out = MaildirWriter.withLfLineEnds(new String[0], "a\rb\nc\r\nd\r".getBytes(US_ASCII));
        assertThat(new String(out, US_ASCII)).isEqualTo("a\rb\nc\nd\r");
    }

    @Test
    void headersComeFirstAndEveryCrlfRunIsConvertedExactly() {
        byte[] out = MaildirWriter.withLfLineEnds(new String[] {"Return-Path: <a@example.com>", "Delivered-To: b\u00e9@x"},
                "\r\r\nS: x\r\n\r\nbody\r\n".getBytes(US_ASCII));
        assertThat(out).isEqualTo("Return-Path: <a@example.com>\nDelivered-To: b\u00e9@x\n\r\nS: x\n\nbody\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(MaildirWriter.withLfLineEnds(new String[0], new byte[0])).isEmpty();
        assertThat(MaildirWriter.withLfLineEnds(new String[0], "\r".getBytes(US_ASCII))).containsExactly('\r');
    }
}
