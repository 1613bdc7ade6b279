package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How an SNI name finds its entry: exact and case-insensitive first, then a one-label wildcard. */
class TlsMaterialTest {
    private static TlsMaterial material;

    @BeforeAll
    static void buildMaterial() throws Exception {
        CertifiedKey key = SelfSignedCertificateGenerator.generate("example.org", Instant.now());
        material = new TlsMaterial(1, key, Map.of(
                "mail.example.org", key, "*.lists.example.org", key, "xn--bcher-kva.example", key));
    }

    @Test
    void matchesExactlyIgnoringCaseAndATrailingDot() {
        assertThat(material.matchingName("mail.example.org")).isEqualTo("mail.example.org");
        assertThat(material.matchingName("MAIL.Example.Org")).isEqualTo("mail.example.org");
        assertThat(material.matchingName("mail.example.org.")).isEqualTo("mail.example.org");
        assertThat(material.matchingName("smtp.example.org")).isNull();
    }

    @Test
    void aWildcardCoversExactlyOneLabel() {
        assertThat(material.matchingName("a.lists.example.org")).isEqualTo("*.lists.example.org");
        assertThat(material.matchingName("lists.example.org")).isNull();
        assertThat(material.matchingName("a.b.lists.example.org")).isNull();
    }

    @Test
    void anUnusableClientNameFallsBackInsteadOfFailing() {
        assertThat(material.matchingName("a".repeat(64) + ".example.org")).isNull();
    }

    @Test
    void aConfiguredNameIsCheckedWhenTheSettingsAreBuilt() {
        assertThatThrownBy(() -> new TlsSettings.SniEntry("a".repeat(64) + ".example.org", Path.of("c"), Path.of("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid SNI hostname");
    }

    @Test
    void unicodeNamesAreComparedInTheirAsciiForm() {
        assertThat(TlsMaterial.normalise("Bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(material.matchingName("xn--bcher-kva.example")).isEqualTo("xn--bcher-kva.example");
    }
}
