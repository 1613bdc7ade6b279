package org.dirmail.directory.lint;

import java.time.Duration;

/**
 * What one {@code dirmail directory check} saw: how many mail entries it scanned, how many
 * findings it reported, and how long it took.
 *
 * @param entries  mail entries scanned
 * @param findings findings reported
 * @param elapsed  time for both scans
 */
public record LintReport(int entries, int findings, Duration elapsed) {

    /** True when nothing was found. */
    public boolean clean() {
        return findings == 0;
    }
}
