package org.dirmail.mta.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.LdapTls;
import org.dirmail.mta.config.DirmailConfig;

/**
 * Turns the configuration into LDAP client settings: an external directory as configured (with
 * StartTLS and the CA file), or the embedded one with its generated admin credentials.
 */
public final class DirectoryAccess {

    private DirectoryAccess() {
    }

    /**
     * Client settings for {@code config}.
     *
     * @param embeddedUrl the running embedded directory's URL when the config uses it, else null
     */
    public static LdapSettings settings(DirmailConfig config, String embeddedUrl) throws IOException {
        boolean useEmbedded = config.ldap().urls().isEmpty();
        List<String> urls = useEmbedded ? List.of(embeddedUrl) : config.ldap().urls();
        String bindDn = config.ldap().bindDn();
        Path passwordFile = config.ldap().bindPasswordFile().orElse(null);
        if (useEmbedded && bindDn.isEmpty()) {
            bindDn = EmbeddedDirectory.ADMIN_DN;
            if (passwordFile == null) {
                passwordFile = embeddedPasswordFile(config);
            }
        }
        String password = passwordFile == null ? "" : readPassword(passwordFile);
        return new LdapSettings(urls, bindDn, password, config.ldap().baseDn(), config.ldap().objectClass(),
                config.ldap().connectTimeout(), config.ldap().responseTimeout(), config.ldap().poolSize(),
                LdapSettings.DEFAULT_HEALTH_CHECK_INTERVAL, LdapSettings.DEFAULT_MAX_CONNECTION_AGE,
                new LdapTls(config.ldap().startTls(), config.ldap().tlsCaFile()));
    }

    /** The embedded directory's URL as configured (for tools that talk to a running server). */
    public static String configuredEmbeddedUrl(DirmailConfig config) {
        return "ldap://" + config.ldap().embeddedListen();
    }

    public static Path embeddedPasswordFile(DirmailConfig config) {
        return config.embeddedDirectoryDir().resolve("admin.pw");
    }

    /** The first line of a password file; an unreadable file names itself in the error. */
    private static String readPassword(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            return (eol < 0 ? text : text.substring(0, eol)).replace("\r", "");
        } catch (IOException e) {
            throw new IOException("cannot read LDAP bind password file " + file + ": " + e.getMessage(), e);
        }
    }
}
