package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dirmail.directory.ldap.ResolutionRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** recipient_delimiter, dash_separator and alias_domains: defaults, parsing, and errors naming file, line and key. */
class AddressRulesConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsArePlusDashAndNoAliases() throws Exception {
        assertThat(DirmailConfig.load(null, List.of()).addresses()).isEqualTo(ResolutionRules.defaults());
    }

    @Test
    void valuesFromTheFile() throws Exception {
        Path file = write("local_domains = example.com, example.net, example.info\n"
                + "alias_domains = Example.NET:example.com  example.info:example.com\n"
                + "recipient_delimiter = =\ndash_separator =\n");

        ResolutionRules rules = DirmailConfig.load(file, List.of()).addresses();

        assertThat(rules.aliasDomains()).isEqualTo(Map.of("example.net", "example.com", "example.info", "example.com"));
        assertThat(rules.recipientDelimiter()).isEqualTo("=");
        assertThat(rules.dashSeparator()).isEmpty();
    }

    @Test
    void badValuesNameFileLineAndKey() throws Exception {
        Path file = write("hostname = mx.example.com\nrecipient_delimiter = ++\n");
        assertThatThrownBy(() -> DirmailConfig.load(file, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2: recipient_delimiter: expected one of ")
                .hasMessageEndingWith("or nothing, got '++'");

        Path dash = write("dash_separator = @\n");
        assertThatThrownBy(() -> DirmailConfig.load(dash, List.of()))
                .hasMessageStartingWith(dash + ":1: dash_separator: expected one of ");

        Path alias = write("local_domains = example.com\n\nalias_domains = example.net\n");
        assertThatThrownBy(() -> DirmailConfig.load(alias, List.of()))
                .hasMessage(alias + ":3: alias_domains: expected alias:real such as example.net:example.com, got 'example.net'");
    }

    @Test
    void aliasDomainMistakes() {
        assertThatThrownBy(() -> load("alias_domains=example.net:example.com"))
                .hasMessage("command line: alias_domains: alias domain 'example.net' must also be in local_domains");
        assertThatThrownBy(() -> load("local_domains=example.com example.net", "alias_domains=example.net:exa_mple.com"))
                .hasMessage("command line: alias_domains: 'exa_mple.com' is not a domain name");
        assertThatThrownBy(() -> load("local_domains=example.com example.net",
                "alias_domains=example.net:example.com example.net:example.org"))
                .hasMessage("command line: alias_domains: alias domain 'example.net' is mapped twice");
        assertThatThrownBy(() -> load("local_domains=a.example b.example", "alias_domains=a.example:b.example b.example:c.example"))
                .hasMessageContaining("alias_domains: alias domain 'a.example' maps to 'b.example', which is itself an alias domain");
        assertThatThrownBy(() -> load("local_domains=a.example", "alias_domains=a.example:A.example"))
                .hasMessageContaining("alias_domains: alias domain 'a.example' must map to another");
    }

    private static DirmailConfig load(String... overrides) throws ConfigException {
        return DirmailConfig.load(null, List.of(overrides));
    }

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(dir, "dirmail", ".conf");
        Files.writeString(file, text);
        return file;
    }
}
