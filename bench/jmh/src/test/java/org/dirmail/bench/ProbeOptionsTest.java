package org.dirmail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The probe refuses a bad command line before it sends anything. */
class ProbeOptionsTest {

    @Test
    void messagesAreRateTimesSecondsUnlessGiven() {
        assertThat(ProbeOptions.parse(new String[] {"--rate", "50", "--seconds", "3"}).messages()).isEqualTo(150);
        assertThat(ProbeOptions.parse(new String[] {"--rate", "50", "--messages", "7"}).messages()).isEqualTo(7);
        assertThat(ProbeOptions.parse(new String[0]).messages()).isEqualTo(2000);
    }

    @Test
    void unknownNamesMissingValuesAndRangesAreRefused() {
        assertThatThrownBy(() -> ProbeOptions.parse(new String[] {"--rat", "5"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeOptions.parse(new String[] {"--rate"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeOptions.parse(new String[] {"--rate", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeOptions.parse(new String[] {"--port", "x"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
