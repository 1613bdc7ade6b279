package org.dirmail.mta.quota;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When maildirsize is trusted and when the Maildir is scanned instead (Courier, Dovecot, qmail-local). */
class MaildirQuotaTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final QuotaLimits LIMITS = new QuotaLimits(10_000, 0);

    @TempDir
    Path maildir;

    private final MaildirQuota quota = new MaildirQuota(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void maildir() throws Exception {
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            Files.createDirectories(maildir.resolve(sub));
        }
    }

    @Test
    void scanCountsCurNewAndFoldersButNotTrashOrTmp() throws Exception {
        message("new/1.M1P1.host,S=100,W=104");
        message("cur/2.M2P1.host,S=200:2,S");
        message("tmp/3.M3P1.host,S=5000");
        message(".Work/cur/4.M4P1.host,S=300:2,");
        message(".Trash/cur/5.M5P1.host,S=4000:2,ST");
        Files.writeString(maildir.resolve("cur/6.M6P1.host"), "x".repeat(42), US_ASCII); // no S=: stat
        Files.writeString(maildir.resolve("cur/.hidden"), "ignored", US_ASCII);

        assertThat(MaildirQuota.scan(maildir)).isEqualTo(new QuotaUsage(642, 4));
    }

    @Test
    void sizeFieldIsReadOnlyWhenProperlyEnded() {
        assertThat(MaildirQuota.sizeField("1.M1P1.host,S=100,W=104")).isEqualTo(100);
        assertThat(MaildirQuota.sizeField("1.M1P1.host,S=100:2,S")).isEqualTo(100);
        assertThat(MaildirQuota.sizeField("1.M1P1.host,S=100")).isEqualTo(100);
        assertThat(MaildirQuota.sizeField("1.M1P1.host,S=100x")).isEqualTo(-1);
        assertThat(MaildirQuota.sizeField("1.M1P1.host,S=")).isEqualTo(-1);
        assertThat(MaildirQuota.sizeField("1.M1P1.host")).isEqualTo(-1);
    }

    @Test
    void missingFileIsRecalculatedAndWritten() throws Exception {
        message("new/1.M1P1.host,S=100");

        assertThat(quota.usage(maildir, LIMITS, 50)).isEqualTo(new QuotaUsage(100, 1));
        assertThat(Files.readString(maildir.resolve(Maildirsize.FILE))).isEqualTo("10000S\n100 1\n");
    }

    @Test
    void aFileForOtherLimitsIsRecalculated() throws Exception {
        message("new/1.M1P1.host,S=100");
        maildirsize("5000S\n9999 9\n", NOW);

        assertThat(quota.usage(maildir, LIMITS, 50)).isEqualTo(new QuotaUsage(100, 1));
        assertThat(Files.readString(maildir.resolve(Maildirsize.FILE))).isEqualTo("10000S\n100 1\n");
    }

    @Test
    void underQuotaTheFileIsSummedWithoutAScan() throws Exception {
        message("new/1.M1P1.host,S=100"); // not in the file: proof that nothing was scanned
        maildirsize("10000S\n3000 2\n2000 1\n", NOW.minus(Duration.ofDays(1)));

        assertThat(quota.usage(maildir, LIMITS, 4000)).isEqualTo(new QuotaUsage(5000, 3));
        assertThat(Files.readString(maildir.resolve(Maildirsize.FILE))).isEqualTo("10000S\n3000 2\n2000 1\n");
    }

    @Test
    void overQuotaWithSeveralLinesIsRecalculated() throws Exception {
        message("new/1.M1P1.host,S=100");
        maildirsize("10000S\n9000 2\n900 1\n", NOW);

        assertThat(quota.usage(maildir, LIMITS, 500)).isEqualTo(new QuotaUsage(100, 1));
    }

    @Test
    void overQuotaInAStaleSummaryIsRecalculated() throws Exception {
        message("new/1.M1P1.host,S=100");
        maildirsize("10000S\n9900 3\n", NOW.minus(Duration.ofMinutes(16)));

        assertThat(quota.usage(maildir, LIMITS, 500)).isEqualTo(new QuotaUsage(100, 1));
    }

    @Test
    void overQuotaInAFreshSummaryIsBelieved() throws Exception {
        message("new/1.M1P1.host,S=100");
        maildirsize("10000S\n9900 3\n", NOW.minus(Duration.ofMinutes(5)));

        QuotaUsage usage = quota.usage(maildir, LIMITS, 500);
        assertThat(usage).isEqualTo(new QuotaUsage(9900, 3));
        assertThat(usage.wouldExceed(LIMITS, 500)).isTrue();
    }

    @Test
    void countLimitsCountMessages() {
        QuotaLimits two = new QuotaLimits(0, 2);
        assertThat(new QuotaUsage(1, 1).wouldExceed(two, 1_000_000)).isFalse();
        assertThat(new QuotaUsage(1, 2).wouldExceed(two, 0)).isTrue();
        assertThat(new QuotaUsage(1, 2).exceeds(two)).isFalse();
        assertThat(new QuotaUsage(1, 2).percentOf(two)).isEqualTo(100);
        assertThat(new QuotaUsage(8000, 1).percentOf(new QuotaLimits(10_000, 4))).isEqualTo(80);
        assertThat(new QuotaUsage(Long.MAX_VALUE / 2, 1).percentOf(new QuotaLimits(Long.MAX_VALUE / 4, 0)))
                .isEqualTo(200);
    }

    private void message(String relative) throws Exception {
        Path file = maildir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "m", US_ASCII); // the S= size, not the file's, must count
    }

    private void maildirsize(String text, Instant modified) throws Exception {
        Path file = maildir.resolve(Maildirsize.FILE);
        Files.writeString(file, text, US_ASCII);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
