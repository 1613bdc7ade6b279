package org.dirmail.mta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.config.ConfigSource;
import org.dirmail.mta.config.DirmailConfig;
import picocli.CommandLine.Option;

/** The options every command shares to find its configuration. */
final class ConfigOptions {

    // The distribution's bin/dirmail sets DIRMAIL_CONFIG to its conf/dirmail.conf.
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:DIRMAIL_CONFIG}",
            description = "configuration file (default: $DIRMAIL_CONFIG, else none: the embedded default)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "state directory (default: ./var)")
    Path dataDir;

    @Option(names = {"-o", "--set"}, paramLabel = "KEY=VALUE",
            description = "override one configuration key, like postfix -o (repeatable)")
    List<String> overrides = new ArrayList<>();

    DirmailConfig load() throws ConfigException {
        return source().load();
    }

    /** The file and overrides, for a server that reads them again on reload. */
    ConfigSource source() {
        List<String> all = new ArrayList<>();
        if (dataDir != null) {
            all.add("data_dir=" + dataDir);
        }
        all.addAll(overrides);
        return new ConfigSource(Optional.ofNullable(config), all);
    }
}
