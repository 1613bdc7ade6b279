package org.dirmail.mta.server;

/**
 * What a reload did, as told to the operator (log, {@code dirmail reload}, SIGHUP).
 *
 * @param applied true when the new configuration runs; false when it was refused and the old one kept
 * @param message what changed, or why the new configuration was refused (file:line: key: problem)
 */
public record ReloadResult(boolean applied, String message) {

    static ReloadResult applied(String message) {
        return new ReloadResult(true, message);
    }

    static ReloadResult refused(String message) {
        return new ReloadResult(false, message);
    }
}
