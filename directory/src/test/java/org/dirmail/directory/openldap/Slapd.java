package org.dirmail.directory.openldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirmail.schema.SchemaResources;
import org.junit.jupiter.api.Assumptions;

/**
 * A private OpenLDAP {@code slapd} for tests: its own cn=config (core, cosine, nis, inetorgperson
 * from /etc/ldap/schema, then our {@code qmail.ldif} as shipped), an mdb database for
 * dc=example,dc=com holding the sample data, on 127.0.0.1 and a free port (and, with TLS files, a
 * second port for ldaps:// plus StartTLS on the first). Never touches /etc/ldap or a system slapd.
 * Runs in the foreground so {@link #close()} stops it by its pid.
 */
public final class Slapd implements AutoCloseable {

    public static final String BASE_DN = "dc=example,dc=com";
    public static final String ROOT_DN = "cn=admin,dc=example,dc=com";

    private static final Path SLAPD = Path.of("/usr/sbin/slapd");
    private static final Path SLAPADD = Path.of("/usr/sbin/slapadd");
    private static final Path SYSTEM_SCHEMA = Path.of("/etc/ldap/schema");
    private static final List<String> SCHEMAS = List.of("core", "cosine", "nis", "inetorgperson");
    private static final long START_MILLIS = 15_000;

    /** PEM files for slapd's TLS: the server's certificate and key, and the CA it names. */
    public record TlsFiles(Path certificate, Path key, Path ca) {
    }

    private final Process process;
    private final int port;
    private final int ldapsPort;
    private final String rootPassword;
    private final Path rootPasswordFile;
    private final Thread reaper;

    private Slapd(Process process, int port, int ldapsPort, String rootPassword, Path rootPasswordFile) {
        this.process = process;
        this.port = port;
        this.ldapsPort = ldapsPort;
        this.rootPassword = rootPassword;
        this.rootPasswordFile = rootPasswordFile;
        // Should the JVM die without @AfterAll, slapd must not outlive it.
        this.reaper = new Thread(process::destroyForcibly, "slapd-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Skips the calling test class when slapd is not installed on a developer machine, but fails
     * it in CI (environment variable {@code CI} set), where a missing slapd is a broken setup.
     */
    public static void requireInstalled() {
        boolean installed = Files.isExecutable(SLAPD) && Files.isExecutable(SLAPADD);
        String message = SLAPD + " or " + SLAPADD + " is missing: install them with "
                + "'apt-get install -y slapd ldap-utils' to run the OpenLDAP tests";
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(installed, message);
        } else if (!installed) {
            throw new IllegalStateException(message + " (CI is set, so this is a failure, not a skip)");
        }
    }

    /** Builds the configuration and the database under {@code dir}, starts slapd and waits until it answers. */
    public static Slapd start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /** As {@link #start(Path)}; with {@code tls}, StartTLS on {@link #url()} and ldaps:// on {@link #ldapsUrl()}. */
    public static Slapd start(Path dir, TlsFiles tls) throws IOException, InterruptedException {
        Path config = Files.createDirectories(dir.resolve("slapd.d"));
        Path database = Files.createDirectories(dir.resolve("db"));
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path passwordFile = dir.resolve("root.pw");
        Files.writeString(passwordFile, password + "\n");
        Path configLdif = dir.resolve("config.ldif");
        Files.writeString(configLdif, configLdif(dir, database, password, tls));
        Path sample = dir.resolve("sample-data.ldif");
        try (InputStream in = SchemaResources.open(SchemaResources.SAMPLE_DATA_LDIF)) {
            Files.copy(in, sample);
        }
        run(dir, SLAPADD.toString(), "-n0", "-F", config.toString(), "-l", configLdif.toString());
        run(dir, SLAPADD.toString(), "-n1", "-F", config.toString(), "-l", sample.toString());
        // A port found free may be taken before slapd binds it: try a few.
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            int ldapsPort = tls == null ? 0 : freePort();
            String listen = "ldap://127.0.0.1:" + port + "/"
                    + (tls == null ? "" : " ldaps://127.0.0.1:" + ldapsPort + "/");
            Process process = new ProcessBuilder(SLAPD.toString(), "-d", "0",
                    "-h", listen, "-F", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("slapd.log").toFile())
                    .start();
            try {
                awaitAnswer(process, port, password, dir.resolve("slapd.log"));
                return new Slapd(process, port, ldapsPort, password, passwordFile);
            } catch (IOException e) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** The ldaps:// URL; only when started with TLS files. */
    public String ldapsUrl() {
        if (ldapsPort == 0) {
            throw new IllegalStateException("slapd was started without TLS");
        }
        return "ldaps://127.0.0.1:" + ldapsPort;
    }

    public String rootPassword() {
        return rootPassword;
    }

    /** A file holding the root password, for {@code ldap_bind_password_file}. */
    public Path rootPasswordFile() {
        return rootPasswordFile;
    }

    /** A connection bound as the root DN, for edits the tests make. */
    public LDAPConnection admin() throws LDAPException {
        return new LDAPConnection("127.0.0.1", port, ROOT_DN, rootPassword);
    }

    /** Stops slapd by its pid (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway; nothing left to do.
        }
    }

    // cn=config as slapadd -n0 wants it: global, the mdb module, the schemas in dependency order,
    // then the config and data databases. The root password stays in the test's own directory.
    private static String configLdif(Path dir, Path database, String password, TlsFiles tls) throws IOException {
        List<String> parts = new ArrayList<>();
        String tlsConfig = tls == null ? "" : "olcTLSCertificateFile: " + tls.certificate()
                + "\nolcTLSCertificateKeyFile: " + tls.key() + "\nolcTLSCACertificateFile: " + tls.ca() + "\n";
        parts.add("dn: cn=config\nobjectClass: olcGlobal\ncn: config\n"
                + "olcPidFile: " + dir.resolve("slapd.pid") + "\nolcArgsFile: " + dir.resolve("slapd.args") + "\n"
                + tlsConfig);
        parts.add("dn: cn=module{0},cn=config\nobjectClass: olcModuleList\ncn: module{0}\n"
                + "olcModulePath: /usr/lib/ldap\nolcModuleLoad: back_mdb\n");
        parts.add("dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n");
        for (String schema : SCHEMAS) {
            Path file = SYSTEM_SCHEMA.resolve(schema + ".ldif");
            if (!Files.isReadable(file)) {
                throw new IOException(file + " is missing: the slapd package ships it");
            }
            parts.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        try (InputStream in = SchemaResources.open(SchemaResources.OPENLDAP_CONFIG_LDIF)) {
            parts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        parts.add("dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\nolcDatabase: {0}config\n");
        parts.add("dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\n"
                + "olcDatabase: {1}mdb\nolcDbDirectory: " + database + "\nolcSuffix: " + BASE_DN + "\n"
                + "olcRootDN: " + ROOT_DN + "\nolcRootPW: " + password + "\n"
                + "olcDbIndex: objectClass eq\nolcDbIndex: mail,mailAlternateAddress,uid eq\n"
                // mdb's default map of 10 MiB fills at about 10,000 entries (DirectoryLinterBench seeds 20,000); sparse.
                + "olcDbMaxSize: 1073741824\n");
        StringBuilder ldif = new StringBuilder();
        for (String part : parts) {
            ldif.append(part.strip()).append("\n\n");
        }
        return ldif.toString();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = dir.resolve("slapadd.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
                    + Files.readString(log));
        }
    }

    private static void awaitAnswer(Process process, int port, String password, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("slapd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (LDAPConnection probe = new LDAPConnection("127.0.0.1", port, ROOT_DN, password)) {
                return;
            } catch (LDAPException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("slapd did not answer on port " + port + " within " + START_MILLIS + " ms");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
