package org.dirmail.mta.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logback's {@code %program}: the Postfix program name (smtpd, qmgr, local, ...) for the logger
 * that wrote a line, so a {@code mail.log}-style pattern reads as Postfix's does and pflogsumm
 * counts it. The name comes from the logger alone, never from the message: messages stay free of
 * it and a plain pattern shows none. Trusts only the logger name, which is ours.
 */
public final class PostfixProgramConverter extends ClassicConverter {

    /** The program for lines that belong to no Postfix daemon: the process supervisor. */
    static final String MASTER = "master";

    /** The first match wins: a logger is named before its parent, a class before its package. */
    private static final List<Map.Entry<String, String>> PROGRAMS = List.of(
            Map.entry("org.dirmail.mta.delivery.DeliveryScheduler.local", "local"),
            Map.entry("org.dirmail.mta.delivery.DeliveryScheduler.smtp", "smtp"),
            Map.entry("org.dirmail.mta.delivery.DeliveryScheduler", "qmgr"),
            Map.entry("org.dirmail.mta.delivery.RemoteDelivery", "smtp"),
            Map.entry("org.dirmail.mta.server.MaildropPickup", "pickup"),
            Map.entry("org.dirmail.mta.smtp", "smtpd"),
            Map.entry("org.dirmail.mta.queue", "qmgr"),
            Map.entry("org.dirmail.mta.delivery", "local"),
            Map.entry("org.dirmail.mta.quota", "local"),
            Map.entry("org.dirmail.mta.remote", "smtp"),
            Map.entry("org.dirmail.mta.bounce", "bounce"),
            Map.entry("org.dirmail.mta.pop3", "pop3d"));

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    @Override
    public String convert(ILoggingEvent event) {
        return program(event.getLoggerName());
    }

    /** The program for a logger name; {@value #MASTER} for everything not mail-specific. */
    static String program(String loggerName) {
        return CACHE.computeIfAbsent(loggerName, PostfixProgramConverter::lookup);
    }

    private static String lookup(String loggerName) {
        for (Map.Entry<String, String> entry : PROGRAMS) {
            String prefix = entry.getKey();
            if (loggerName.equals(prefix) || loggerName.startsWith(prefix + ".")
                    || loggerName.startsWith(prefix + "$")) {
                return entry.getValue();
            }
        }
        return MASTER;
    }
}
