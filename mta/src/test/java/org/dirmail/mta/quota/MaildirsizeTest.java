package org.dirmail.mta.quota;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maildirsize file format as Courier and Dovecot read and write it (Maildir++). */
class MaildirsizeTest {

    @TempDir
    Path maildir;

    @Test
    void definitionLineIsWrittenAsDovecotWritesIt() {
        assertThat(new QuotaLimits(10_485_760, 0).definition()).isEqualTo("10485760S");
        assertThat(new QuotaLimits(0, 1000).definition()).isEqualTo("1000C");
        assertThat(new QuotaLimits(5000, 10).definition()).isEqualTo("5000S,10C");
        assertThat(QuotaLimits.UNLIMITED.definition()).isEqualTo("0S");
    }

    @Test
    void definitionLineParsesInAnyOrderAndRefusesAnythingElse() {
        assertThat(QuotaLimits.parse("5000S,10C")).contains(new QuotaLimits(5000, 10));
        assertThat(QuotaLimits.parse("10C,5000S")).contains(new QuotaLimits(5000, 10));
        assertThat(QuotaLimits.parse("0S")).contains(QuotaLimits.UNLIMITED);
        for (String bad : new String[] {"", "S", "5000", "5000X", "-5S", "5000S,", "99999999999999999999S", "1 S"}) {
            assertThat(QuotaLimits.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void usageIsTheSumOfTheLinesAfterTheDefinition() {
        var contents = Maildirsize.parse("5000S,10C\n1200 3\n400 1\n-300 -1\n", Instant.EPOCH).orElseThrow();
        assertThat(contents.limits()).isEqualTo(new QuotaLimits(5000, 10));
        assertThat(contents.usage()).isEqualTo(new QuotaUsage(1300, 3));
        assertThat(contents.usageLines()).isEqualTo(3);
    }

    @Test
    void aLastLineWithoutItsNewlineIsAnAppendInProgressAndLeftOut() {
        var contents = Maildirsize.parse("5000S\n1200 3\n400", Instant.EPOCH).orElseThrow();
        assertThat(contents.usage()).isEqualTo(new QuotaUsage(1200, 3));
    }

    @Test
    void brokenFilesAreUnusable() {
        for (String bad : new String[] {"", "5000S", "garbage\n1 1\n", "5000S\n12\n", "5000S\n1 2 3\n",
                "5000S\nx 1\n", "5000S\n10 1\n-20 -1\n", "5000S\n1\u0000 1\n"}) {
            assertThat(Maildirsize.parse(bad, Instant.EPOCH)).as(bad).isEmpty();
        }
    }

    @Test
    void aFileOf5120BytesOrMoreIsNotSummed() throws Exception {
        StringBuilder text = new StringBuilder("100000S\n");
        while (text.length() < Maildirsize.MAX_BYTES) {
            text.append("10 1\n");
        }
        Files.writeString(maildir.resolve(Maildirsize.FILE), text, US_ASCII);
        assertThat(Maildirsize.read(maildir)).isEmpty();
        Files.writeString(maildir.resolve(Maildirsize.FILE), "100000S\n10 1\n", US_ASCII);
        assertThat(Maildirsize.read(maildir)).map(Maildirsize.Contents::usage).contains(new QuotaUsage(10, 1));
    }

    @Test
    void appendAddsOneLineAndNeverCreatesTheFile() throws Exception {
        assertThat(Maildirsize.append(maildir, 100, 1)).isFalse();
        assertThat(maildir.resolve(Maildirsize.FILE)).doesNotExist();

        Files.writeString(maildir.resolve(Maildirsize.FILE), "5000S\n0 0\n", US_ASCII);
        assertThat(Maildirsize.append(maildir, 100, 1)).isTrue();
        assertThat(Maildirsize.append(maildir, -40, -1)).isTrue();
        assertThat(Files.readString(maildir.resolve(Maildirsize.FILE))).isEqualTo("5000S\n0 0\n100 1\n-40 -1\n");
    }

    @Test
    void concurrentAppendsNeverLoseOrTearALine() throws Exception {
        Files.writeString(maildir.resolve(Maildirsize.FILE), "0S\n0 0\n", US_ASCII);
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long size = 1000 + t; // each writer has its own line, to spot torn ones
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    Maildirsize.append(maildir, size, 1);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> lines = Files.readAllLines(maildir.resolve(Maildirsize.FILE), US_ASCII);
        assertThat(lines).hasSize(2 + threads * perThread);
        assertThat(lines.subList(2, lines.size())).allMatch(line -> line.matches("100[0-7] 1"));
        long expectedBytes = perThread * (1000L + 1001 + 1002 + 1003 + 1004 + 1005 + 1006 + 1007);
        assertThat(Maildirsize.read(maildir)).map(Maildirsize.Contents::usage)
                .contains(new QuotaUsage(expectedBytes, threads * perThread));
    }

    @Test
    void writeReplacesTheFileWithTheDefinitionAndOneLine() throws Exception {
        Files.createDirectories(maildir.resolve("tmp"));
        Files.writeString(maildir.resolve(Maildirsize.FILE), "1S\n5 5\n6 6\n", US_ASCII);

        Maildirsize.write(maildir, new QuotaLimits(5000, 10), new QuotaUsage(1234, 3));

        assertThat(Files.readString(maildir.resolve(Maildirsize.FILE))).isEqualTo("5000S,10C\n1234 3\n");
        assertThat(maildir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void writeLeavesAMaildirThatDoesNotExistAlone() throws Exception {
        Path missing = maildir.resolve("nobody/Maildir");
        Maildirsize.write(missing, new QuotaLimits(5000, 0), QuotaUsage.NONE);
        assertThat(missing).doesNotExist();
    }
}
