package org.dirmail.mta.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Logback's {@code %isotime}: the event time as {@code 2026-11-27T14:03:55.123+01:00} in the
 * system zone, what {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}} prints. Logback formats that anew
 * for every millisecond, which at a few lines per message was 2 % of the server's CPU; this
 * formats once per second and appends the milliseconds.
 */
public final class IsoTimeConverter extends ClassicConverter {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");

    /** The formatted second (date, time and zone offset) and which epoch second it is. */
    private record Second(long epochSecond, String prefix, String offset) {
    }

    private final ZoneId zone = ZoneId.systemDefault();
    private volatile Second cached = new Second(Long.MIN_VALUE, "", "");

    @Override
    public String convert(ILoggingEvent event) {
        return format(event.getTimeStamp());
    }

    String format(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Second s = cached;
        if (s.epochSecond() != second) {
            var time = Instant.ofEpochSecond(second).atZone(zone);
            s = new Second(second, SECOND.format(time), OFFSET.format(time));
            cached = s;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        StringBuilder line = new StringBuilder(s.prefix().length() + 4 + s.offset().length());
        line.append(s.prefix()).append('.');
        if (millis < 100) {
            line.append('0');
        }
        if (millis < 10) {
            line.append('0');
        }
        return line.append(millis).append(s.offset()).toString();
    }
}
