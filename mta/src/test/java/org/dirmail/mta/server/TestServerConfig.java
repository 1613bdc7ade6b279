package org.dirmail.mta.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.config.DirmailConfig;

/**
 * The configuration of a server under test: state under {@code dataDir}, host name
 * {@code mx.test.example}, SMTP on a free loopback port and no other listener (no admin, no
 * submission, no POP3), the embedded directory on a free loopback port. Each {@code key=value}
 * setting adds a key or replaces its value here, so a test names only what it is about.
 */
public final class TestServerConfig {

    private TestServerConfig() {
    }

    public static DirmailConfig load(Path dataDir, String... settings) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("data_dir", dataDir.toString());
        values.put("hostname", "mx.test.example");
        values.put("smtp_listen", "127.0.0.1:0");
        values.put("admin_listen", "none");
        values.put("submission_listen", "");
        values.put("smtps_listen", "");
        values.put("pop3_listen", "");
        values.put("pop3s_listen", "");
        values.put("embedded_directory_listen", "127.0.0.1:0");
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: " + setting);
            }
            values.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        List<String> lines = new ArrayList<>();
        values.forEach((key, value) -> lines.add(key + "=" + value));
        return DirmailConfig.load(null, lines);
    }
}
