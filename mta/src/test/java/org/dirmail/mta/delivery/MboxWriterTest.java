package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mboxrd entries as qmail-local writes them, and what happens when someone else holds the mailbox. */
class MboxWriterTest {

    private static final Instant WHEN = Instant.parse("1986-11-04T08:02:08Z");
    private static final String[] HEADERS = {"Return-Path: <a@example.org>", "Delivered-To: bob@example.com"};

    @TempDir
    Path dir;

    private final MboxWriter writer = new MboxWriter(Duration.ofMillis(300), Duration.ofMinutes(5));

    @Test
    void entryHasFromLineHeadersQuotedFromLinesAndABlankLine() {
        byte[] message = "Subject: hi\r\n\r\nFrom here\r\n>From there\r\n>>From x\r\nFromage\r\n From y\r\nend".getBytes(
                StandardCharsets.US_ASCII);

        String entry = new String(MboxWriter.entry("a@example.org", HEADERS, message, WHEN), StandardCharsets.US_ASCII);

        assertThat(entry).isEqualTo("From a@example.org Tue Nov  4 08:02:08 1986\n"
                + "Return-Path: <a@example.org>\nDelivered-To: bob@example.com\n"
                + "Subject: hi\n\n>From here\n>>From there\n>>>From x\nFromage\n From y\nend\n\n");
    }

    @Test
    void theNullSenderIsMailerDaemonAndSpacesCannotSplitTheFromLine() {
        assertThat(new String(MboxWriter.entry("", HEADERS, new byte[0], WHEN), StandardCharsets.US_ASCII))
                .startsWith("From MAILER-DAEMON Tue Nov  4 08:02:08 1986\n");
        assertThat(new String(MboxWriter.entry("a b@x", HEADERS, new byte[0], WHEN), StandardCharsets.US_ASCII))
                .startsWith("From a_b@x Tue");
    }

    @Test
    void appendsAfterWhatIsThereAndReleasesTheDotlock() throws Exception {
        Path mbox = dir.resolve("example.com/bob/mbox");
        writer.append(mbox, "a@example.org", HEADERS, "Subject: 1\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII), WHEN);
        writer.append(mbox, "a@example.org", HEADERS, "Subject: 2\r\n\r\ntwo\r\n".getBytes(StandardCharsets.US_ASCII), WHEN);

        String text = Files.readString(mbox);
        assertThat(text.split("\nFrom a@example.org ", -1)).hasSize(2);
        assertThat(text).contains("\n\none\n\nFrom a@example.org").endsWith("\n\ntwo\n\n");
        assertThat(mbox.resolveSibling("mbox.lock")).doesNotExist();
    }

    @Test
    void aHeldDotlockDefersAndLeavesTheFileAlone() throws Exception {
        Path mbox = dir.resolve("mbox");
        Files.writeString(mbox, "old\n");
        Files.createFile(dir.resolve("mbox.lock"));

        assertThatThrownBy(() -> writer.append(mbox, "a@x", HEADERS, new byte[0], WHEN))
                .isInstanceOf(MboxWriter.LockedException.class).hasMessageContaining("mbox.lock");
        assertThat(Files.readString(mbox)).isEqualTo("old\n");
        assertThat(dir.resolve("mbox.lock")).exists(); // not ours to remove
    }

    @Test
    void aStaleDotlockIsRemoved() throws Exception {
        Path mbox = dir.resolve("mbox");
        Path lock = Files.createFile(dir.resolve("mbox.lock"));
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofMinutes(6))));

        writer.append(mbox, "a@x", HEADERS, "x\r\n".getBytes(StandardCharsets.US_ASCII), WHEN);

        assertThat(Files.readString(mbox)).contains("x\n\n");
        assertThat(lock).doesNotExist();
    }

    @Test
    void aHeldFcntlLockDefers() throws Exception {
        Path mbox = dir.resolve("mbox");
        try (FileChannel other = FileChannel.open(mbox, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = other.lock()) {
            assertThatThrownBy(() -> writer.append(mbox, "a@x", HEADERS, new byte[0], WHEN))
                    .isInstanceOf(MboxWriter.LockedException.class).hasMessageContaining("locked");
        }
        assertThat(Files.size(mbox)).isZero();
        assertThat(dir.resolve("mbox.lock")).doesNotExist();
    }

    @Test
    void aWriteThatFailsHalfWayIsCutBackToTheOldLength() throws Exception {
        Path mbox = dir.resolve("mbox");
        Files.writeString(mbox, "From old Tue Nov  4 08:02:08 1986\nold\n\n");
        MboxWriter failing = new MboxWriter(Duration.ofMillis(300), Duration.ofMinutes(5)) {
            @Override
            void write(FileChannel ch, ByteBuffer buf) throws IOException {
                buf.limit(buf.limit() / 2);
                super.write(ch, buf);
                throw new IOException("No space left on device");
            }
        };

        assertThatThrownBy(() -> failing.append(mbox, "a@x", HEADERS, "Subject: big\r\n\r\nbody\r\n".getBytes(
                StandardCharsets.US_ASCII), WHEN)).hasMessageContaining("No space");

        assertThat(Files.readString(mbox)).isEqualTo("From old Tue Nov  4 08:02:08 1986\nold\n\n");
        assertThat(dir.resolve("mbox.lock")).doesNotExist();
    }
}
