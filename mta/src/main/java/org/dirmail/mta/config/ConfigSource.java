package org.dirmail.mta.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a running server's configuration comes from, so a reload reads the same file with the same
 * command-line overrides. Trusts nothing it reads: every load validates the whole file again.
 *
 * @param file      the {@code dirmail.conf}, or empty for the built-in defaults
 * @param overrides {@code key=value} settings from the command line, applied last
 */
public record ConfigSource(Optional<Path> file, List<String> overrides) {

    public ConfigSource {
        overrides = List.copyOf(overrides);
    }

    /** Reads and validates the configuration as it is now. */
    public DirmailConfig load() throws ConfigException {
        return DirmailConfig.load(file.orElse(null), overrides);
    }

    /** "conf/dirmail.conf" or "built-in defaults", for log lines. */
    public String describe() {
        return file.map(Path::toString).orElse("built-in defaults");
    }
}
