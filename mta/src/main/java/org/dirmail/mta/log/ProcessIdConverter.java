package org.dirmail.mta.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %pid}: this JVM's process id, for the {@code name[pid]:} part of a syslog-style
 * line. Trusts nothing.
 */
public final class ProcessIdConverter extends ClassicConverter {

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @Override
    public String convert(ILoggingEvent event) {
        return PID;
    }
}
