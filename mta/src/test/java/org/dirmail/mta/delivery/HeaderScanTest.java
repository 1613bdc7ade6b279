package org.dirmail.mta.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderScanTest {

    @Test
    void findsOurDeliveredToInTheHeaderOnly() {
        byte[] m = ("Received: x\r\nDELIVERED-TO:  Alice@Example.com \r\nSubject: s\r\n\r\n"
                + "Delivered-To: bob@example.com\r\n").getBytes(US_ASCII);
        assertThat(HeaderScan.hasDeliveredTo(m, "alice@example.com")).isTrue();
        assertThat(HeaderScan.hasDeliveredTo(m, "bob@example.com")).as("body is not header").isFalse();
        assertThat(HeaderScan.hasDeliveredTo(m, "carol@example.com")).isFalse();
    }

    @Test
    void toleratesGarbage() {
        assertThat(HeaderScan.hasDeliveredTo(new byte[0], "a@b")).isFalse();
        assertThat(HeaderScan.hasDeliveredTo("no colon and no end".getBytes(US_ASCII), "a@b")).isFalse();
    }
}
