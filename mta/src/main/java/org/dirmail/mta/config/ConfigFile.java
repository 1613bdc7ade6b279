package org.dirmail.mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code key = value} lines (main.cf style: {@code #} comments, blank lines ignored) into
 * raw settings that remember where each value came from, so errors can name file and line.
 */
final class ConfigFile {

    /** A raw value and where it was set, e.g. {@code conf/dirmail.conf:12} or {@code command line}. */
    record Setting(String value, String source) {
    }

    private ConfigFile() {
    }

    /** Parses {@code file} into {@code into}; unknown keys, repeated keys and bad lines are errors. */
    static void read(Path file, Map<ConfigKey, Setting> into) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration: " + e.getMessage());
        }
        Map<ConfigKey, Setting> seen = new EnumMap<>(ConfigKey.class);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
            }
            String name = line.substring(0, eq).strip();
            ConfigKey key = ConfigKey.byName(name);
            if (key == null) {
                throw new ConfigException(where + ": unknown key '" + name + "'");
            }
            if (seen.containsKey(key)) {
                throw new ConfigException(where + ": key '" + name + "' already set at " + seen.get(key).source());
            }
            Setting setting = new Setting(line.substring(eq + 1).strip(), where);
            seen.put(key, setting);
            into.put(key, setting);
        }
    }

    /** Applies a command-line {@code key=value} override. */
    static void override(String assignment, Map<ConfigKey, Setting> into) throws ConfigException {
        int eq = assignment.indexOf('=');
        String name = eq < 0 ? assignment : assignment.substring(0, eq).strip();
        ConfigKey key = ConfigKey.byName(name);
        if (eq <= 0 || key == null) {
            throw new ConfigException("command line: unknown or malformed setting '" + assignment + "' (expected key=value)");
        }
        into.put(key, new Setting(assignment.substring(eq + 1).strip(), "command line"));
    }
}
