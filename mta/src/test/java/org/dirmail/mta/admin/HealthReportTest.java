package org.dirmail.mta.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The health JSON: down when any part is, and details escaped whatever they hold. */
class HealthReportTest {

    @Test
    void upOnlyWhenEveryPartIsUp() {
        HealthReport report = new HealthReport(List.of(
                new HealthReport.Check("directory", true, "root DSE read"),
                new HealthReport.Check("queue", false, "12 bytes usable")));
        assertThat(report.up()).isFalse();
        assertThat(report.toJson()).isEqualTo("{\"status\":\"down\",\"checks\":{"
                + "\"directory\":{\"status\":\"up\",\"detail\":\"root DSE read\"},"
                + "\"queue\":{\"status\":\"down\",\"detail\":\"12 bytes usable\"}}}\n");
    }

    @Test
    void detailsAreJsonEscaped() {
        HealthReport report = new HealthReport(List.of(new HealthReport.Check("x", true, "a\"b\\c\nd\u00e9")));
        assertThat(report.up()).isTrue();
        assertThat(report.toJson()).contains("\"detail\":\"a\\\"b\\\\c\\u000ad\\u00e9\"");
    }
}
