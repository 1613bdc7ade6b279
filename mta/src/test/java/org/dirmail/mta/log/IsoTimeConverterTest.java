package org.dirmail.mta.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class IsoTimeConverterTest {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    @Test
    void printsWhatLogbacksDatePatternPrints() {
        IsoTimeConverter converter = new IsoTimeConverter();
        long start = Instant.parse("2026-03-29T00:59:58.990Z").toEpochMilli(); // a DST change in Europe
        for (long t = start; t < start + 3_000; t += 7) {
            assertThat(converter.format(t)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(t)));
        }
        for (long t : new long[] {0, 5, 42, 999, 1000, 1_799_999_999_001L}) {
            assertThat(converter.format(t)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(t)));
        }
    }
}
