package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirmail.mta.pop3.Pop3Mailbox.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maildrop on a real Maildir: listing, sizes, UIDL, seen flags, deletion at commit, locking. */
class Pop3MailboxTest {

    @TempDir
    Path root;

    @Test
    void missingMaildirIsAnEmptyMailbox() throws Exception {
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(root.resolve("nobody/Maildir"))) {
            assertThat(mailbox.messages()).isEmpty();
            assertThat(mailbox.liveSize()).isZero();
            assertThat(mailbox.commit()).isZero();
        }
    }

    @Test
    void listsNewAndCurInDeliveryOrderWithCrlfSizes() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("alice/Maildir"));
        TestMaildir.put(maildir, "cur", "1700000002.M5P1Q1.host,S=12:2,", "b\nc\n\nbody\n");
        TestMaildir.put(maildir, "new", "1700000001.M999P1Q1.host,S=6", "a: b\n");
        TestMaildir.put(maildir, "new", "1700000002.M10P1Q2.host,S=8", "x\r\ny\n");
        TestMaildir.put(maildir, "new", ".hidden", "not a message\n");
        TestMaildir.put(maildir, "tmp", "1700000000.M1P1Q1.host", "being delivered\n");

        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            assertThat(mailbox.messages()).extracting(Message::uid).containsExactly(
                    "1700000001.M999P1Q1.host,S=6", "1700000002.M5P1Q1.host,S=12", "1700000002.M10P1Q2.host,S=8");
            // RFC 1939 5: sizes as sent, with CRLF line ends; a CRLF already there counts once
            assertThat(mailbox.messages()).extracting(Message::size).containsExactly(6L, 14L, 6L);
            assertThat(mailbox.liveCount()).isEqualTo(3);
            assertThat(mailbox.liveSize()).isEqualTo(26);
        }
    }

    @Test
    void sizeCountsTheCrlfAddedToAnUnterminatedLastLineAndTrustsDovecotsW() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        TestMaildir.put(maildir, "new", "1.M1P1.h", "a\nb");
        TestMaildir.put(maildir, "new", "2.M1P1.h,S=3,W=99", "a\nb");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            assertThat(mailbox.messages()).extracting(Message::size).containsExactly(6L, 99L);
        }
    }

    @Test
    void retrieveSendsCrlfDotStuffedAndMarksSeenKeepingTheUid() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        Path file = TestMaildir.put(maildir, "new", "1.M1P1.h,S=20", "Subject: x\n\n.dot\nend");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            Message message = mailbox.messages().get(0);
            assertThat(readAll(mailbox, message, -1)).isEqualTo("Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n");
            mailbox.markSeen(message);
            assertThat(file).doesNotExist();
            assertThat(maildir.resolve("cur/1.M1P1.h,S=20:2,S")).exists();
            assertThat(readAll(mailbox, message, -1)).startsWith("Subject: x\r\n"); // follows its file
        }
        try (Pop3Mailbox again = Pop3Mailbox.open(maildir)) {
            assertThat(again.messages()).extracting(Message::uid).containsExactly("1.M1P1.h,S=20");
        }
    }

    @Test
    void seenFlagIsAddedInOrderToExistingFlags() {
        assertThat(MaildirName.seen("1.M1.h:2,FT")).isEqualTo("1.M1.h:2,FST");
        assertThat(MaildirName.seen("1.M1.h:2,RS")).isEqualTo("1.M1.h:2,RS");
        assertThat(MaildirName.seen("1.M1.h:2,")).isEqualTo("1.M1.h:2,S");
        assertThat(MaildirName.seen("1.M1.h")).isEqualTo("1.M1.h:2,S");
        assertThat(MaildirName.seen("1.M1.h:1,odd")).isEqualTo("1.M1.h:1,odd");
    }

    @Test
    void uidIsTheBaseNameOrADigestWhenRfc1939ForbidsIt() {
        assertThat(MaildirName.uid("1.M1.h,S=3:2,RS")).isEqualTo("1.M1.h,S=3");
        String long_ = "1." + "x".repeat(80);
        assertThat(MaildirName.uid(long_)).startsWith("H").hasSize(49).isEqualTo(MaildirName.uid(long_ + ":2,S"));
    }

    @Test
    void topSendsTheHeaderTheBlankLineAndTheAskedBodyLines() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        TestMaildir.put(maildir, "cur", "1.M1P1.h:2,S", "A: 1\nB: 2\n\nl1\n.l2\nl3\n");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            Message message = mailbox.messages().get(0);
            assertThat(readAll(mailbox, message, 0)).isEqualTo("A: 1\r\nB: 2\r\n\r\n.\r\n");
            assertThat(readAll(mailbox, message, 2)).isEqualTo("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n");
            assertThat(readAll(mailbox, message, 10)).isEqualTo("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
        }
    }

    @Test
    void largeMessagesComeInBoundedChunks() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        String line = "x".repeat(99) + "\n";
        TestMaildir.put(maildir, "new", "1.M1P1.h", "S: big\n\n" + line.repeat(10_000));
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir);
                MessageReader reader = mailbox.read(mailbox.messages().get(0), -1)) {
            long total = 0;
            int chunks = 0;
            MessageReader.Chunk chunk;
            do {
                chunk = reader.next(ByteBufAllocator.DEFAULT);
                assertThat(chunk.data().readableBytes()).isLessThanOrEqualTo(2 * MessageReader.CHUNK + 5);
                total += chunk.data().readableBytes();
                chunk.data().release();
                chunks++;
            } while (!chunk.last());
            assertThat(chunks).isGreaterThan(10);
            assertThat(total).isEqualTo(mailbox.messages().get(0).size() + 3); // + ".\r\n"
        }
    }

    @Test
    void deleteOnlyMarksUntilCommitAndRsetUnmarks() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        Path first = TestMaildir.put(maildir, "new", "1.M1P1.h,S=4", "one\n");
        Path second = TestMaildir.put(maildir, "cur", "2.M1P1.h,S=4:2,S", "two\n");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            mailbox.delete(mailbox.messages().get(0));
            assertThat(mailbox.messages().get(0).deleted()).isTrue();
            assertThat(mailbox.liveCount()).isEqualTo(1);
            mailbox.reset();
            assertThat(mailbox.liveCount()).isEqualTo(2);
            mailbox.delete(mailbox.messages().get(0));
            mailbox.delete(mailbox.messages().get(1));
            assertThat(first).exists();
            assertThat(mailbox.commit()).isEqualTo(2);
        }
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
    }

    @Test
    void commitAppendsToMaildirsizeWhenItExistsAndSkipsVanishedFiles() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        Files.writeString(maildir.resolve("maildirsize"), "1000S,10C\n30 3\n");
        TestMaildir.put(maildir, "new", "1.M1P1.h,S=10", "0123456789");
        TestMaildir.put(maildir, "new", "2.M1P1.h", "abc\n");
        Path gone = TestMaildir.put(maildir, "new", "3.M1P1.h,S=5", "gone\n");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            mailbox.messages().forEach(mailbox::delete);
            Files.delete(gone); // another client was faster
            assertThat(mailbox.commit()).isEqualTo(2);
        }
        assertThat(Files.readString(maildir.resolve("maildirsize"))).isEqualTo("1000S,10C\n30 3\n-14 -2\n");
    }

    @Test
    void commitFindsAMessageAnotherClientMovedToCur() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        Path file = TestMaildir.put(maildir, "new", "1.M1P1.h", "x\n");
        try (Pop3Mailbox mailbox = Pop3Mailbox.open(maildir)) {
            Files.move(file, maildir.resolve("cur/1.M1P1.h:2,S"));
            mailbox.delete(mailbox.messages().get(0));
            assertThat(mailbox.commit()).isEqualTo(1);
        }
        assertThat(maildir.resolve("cur/1.M1P1.h:2,S")).doesNotExist();
    }

    @Test
    void aSecondOpenIsRefusedUntilTheFirstCloses() throws Exception {
        Path maildir = TestMaildir.create(root.resolve("m"));
        try (Pop3Mailbox first = Pop3Mailbox.open(maildir)) {
            assertThatThrownBy(() -> Pop3Mailbox.open(maildir.resolve("../m")))
                    .isInstanceOf(MailboxLock.LockedException.class);
        }
        assertThat(maildir.resolve(MailboxLock.LOCK_FILE)).exists();
        Pop3Mailbox.open(maildir).close();
    }

    private static String readAll(Pop3Mailbox mailbox, Message message, long bodyLines) throws IOException {
        StringBuilder s = new StringBuilder();
        try (MessageReader reader = mailbox.read(message, bodyLines)) {
            MessageReader.Chunk chunk;
            do {
                chunk = reader.next(ByteBufAllocator.DEFAULT);
                ByteBuf data = chunk.data();
                s.append(data.toString(StandardCharsets.ISO_8859_1));
                data.release();
            } while (!chunk.last());
        }
        return s.toString();
    }

    /** Writes Maildir files for tests. */
    static final class TestMaildir {
        private TestMaildir() {
        }

        static Path create(Path maildir) throws IOException {
            for (String sub : List.of("tmp", "new", "cur")) {
                Files.createDirectories(maildir.resolve(sub));
            }
            return maildir;
        }

        static Path put(Path maildir, String sub, String name, String content) throws IOException {
            return Files.write(maildir.resolve(sub).resolve(name), content.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
