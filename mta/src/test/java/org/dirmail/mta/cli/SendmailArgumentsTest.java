package org.dirmail.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sendmail command lines that cron, PHP and friends really use. */
class SendmailArgumentsTest {

    @Test
    void cronAndPhpCommandLines() throws Exception {
        assertThat(SendmailArguments.parse(List.of("-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root")))
                .isEqualTo(new SendmailArguments(List.of("root"), false, Optional.empty(), Optional.of("CronDaemon"), true));
        assertThat(SendmailArguments.parse(List.of("-t", "-i", "-f", "www@example.com")))
                .isEqualTo(new SendmailArguments(List.of(), true, Optional.of("www@example.com"), Optional.empty(), true));
        assertThat(SendmailArguments.parse(List.of("-odi", "-bm", "-oi", "-rme@example.com", "-N", "never", "--", "-odd@x")))
                .isEqualTo(new SendmailArguments(List.of("-odd@x"), false, Optional.of("me@example.com"), Optional.empty(), true));
    }

    @Test
    void modesOtherThanSubmissionAreRefused() {
        assertThatThrownBy(() -> SendmailArguments.parse(List.of("-bp"))).hasMessageContaining("unsupported option -bp");
        assertThatThrownBy(() -> SendmailArguments.parse(List.of("-q"))).hasMessageContaining("unsupported option -q");
        assertThatThrownBy(() -> SendmailArguments.parse(List.of("-f"))).hasMessageContaining("-f needs a value");
    }
}
