package org.dirmail.mta.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Dovecot for tests, configured from the shipped {@code conf/dovecot/} files with only
 * paths, ports, the LDAP URL, the bind credentials and the mail owner replaced. Its runtime
 * state, logs and configuration live under the test's directory; the system Dovecot and
 * /etc/dovecot are never touched. Runs in the foreground so {@link #close()} stops it by its pid.
 */
final class Dovecot implements AutoCloseable {

    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final Path LDAP_DRIVER = Path.of("/usr/lib/dovecot/modules/auth/libauthdb_ldap.so");
    private static final Path IMAP = Path.of("/usr/lib/dovecot/imap");
    private static final Path SHIPPED = Path.of("..", "conf", "dovecot");
    // What the shipped files say, replaced for the private instance.
    private static final String SHIPPED_DATA_DIR = "/var/lib/dirmail";
    private static final String SHIPPED_CONF_DIR = "/etc/dovecot/";
    private static final String SHIPPED_LDAP_URL = "ldap://127.0.0.1:10389";
    private static final String SHIPPED_BIND_DN = "cn=dirmail,ou=services,dc=example,dc=com";
    private static final String SHIPPED_BIND_PASSWORD = "CHANGE-ME";
    // Dovecot starts as root and works on mail as mail_uid, which may not be root (first_valid_uid).
    private static final String MAIL_USER = "nobody";
    private static final List<String> MAIL_GROUPS = List.of("nogroup", "nobody");
    private static final long START_MILLIS = 20_000;

    private final Process process;
    private final int imapPort;
    private final int imapsPort;
    private final Path log;
    private final Thread reaper;

    private Dovecot(Process process, int imapPort, int imapsPort, Path log) {
        this.process = process;
        this.imapPort = imapPort;
        this.imapsPort = imapsPort;
        this.log = log;
        this.reaper = new Thread(this::kill, "dovecot-reaper"); // should the JVM die without @AfterEach
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Skips the calling test when Dovecot (with IMAP and LDAP) is missing or the JVM is not root
     * on a developer machine, but fails it in CI (variable {@code CI} set), where that is a
     * broken setup.
     */
    static void requireInstalled() {
        boolean installed = Files.isExecutable(DOVECOT) && Files.isExecutable(IMAP) && Files.exists(LDAP_DRIVER);
        String missing = "Dovecot is missing: install it with 'apt-get install -y dovecot-core dovecot-imapd "
                + "dovecot-ldap' to run the Dovecot test";
        boolean root = "root".equals(System.getProperty("user.name"));
        String notRoot = "the Dovecot test must run as root: Dovecot starts as root and switches to mail_uid";
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(installed, missing);
            Assumptions.assumeTrue(root, notRoot);
        } else if (!installed || !root) {
            throw new IllegalStateException((installed ? notRoot : missing) + " (CI is set, so this is a failure, not a skip)");
        }
    }

    /**
     * Hands {@code dataDir/mail} to the mail user, writes the configuration under {@code dir},
     * starts Dovecot and waits until both IMAP ports greet.
     */
    static Dovecot start(Path dir, Path dataDir, String ldapUrl, String bindDn, String bindPassword)
            throws IOException, InterruptedException {
        String group = giveMailTo(dataDir.resolve("mail"));
        // Dovecot's processes (auth as dovecot, imap as nobody) must reach these directories.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Path log = dir.resolve("dovecot.log");
        Map<String, String> ldap = new LinkedHashMap<>();
        ldap.put(SHIPPED_LDAP_URL, ldapUrl);
        ldap.put(SHIPPED_BIND_DN, bindDn);
        ldap.put(SHIPPED_BIND_PASSWORD, bindPassword);
        ldap.put(SHIPPED_DATA_DIR, dataDir.toString());
        Path ldapConf = confDir.resolve("dovecot-ldap.conf.ext");
        Files.writeString(ldapConf, render("dovecot-ldap.conf.ext", ldap));
        Files.setPosixFilePermissions(ldapConf, PosixFilePermissions.fromString("rw-------"));
        // A port found free may be taken before Dovecot binds it: try a few.
        IOException last = new IOException("found no two free ports");
        for (int attempt = 0; attempt < 3; attempt++) {
            int imap = freePort();
            int imaps = freePort();
            if (imap == imaps) {
                continue;
            }
            Map<String, String> main = new LinkedHashMap<>();
            main.put("listen = *, ::", "listen = 127.0.0.1");
            main.put("port = 143", "port = " + imap);
            main.put("port = 993", "port = " + imaps);
            main.put(SHIPPED_DATA_DIR, dataDir.toString());
            main.put(SHIPPED_CONF_DIR, confDir + "/");
            main.put("mail_uid = dirmail", "mail_uid = " + MAIL_USER);
            main.put("mail_gid = dirmail", "mail_gid = " + group);
            Path conf = confDir.resolve("dovecot.conf");
            Files.writeString(conf, render("dovecot.conf", main)
                    + "\n# DovecotIT: a private instance, nothing under /run or /var/lib/dovecot.\n"
                    + "base_dir = " + dir.resolve("run") + "\n"
                    + "state_dir = " + dir.resolve("state") + "\n"
                    + "log_path = " + log + "\n");
            Process process = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dovecot.out").toFile()))
                    .start();
            Dovecot dovecot = new Dovecot(process, imap, imaps, log);
            try {
                dovecot.awaitGreeting(imap);
                dovecot.awaitGreeting(imaps);
                return dovecot;
            } catch (IOException e) {
                dovecot.close();
                last = e;
            }
        }
        throw last;
    }

    int imapPort() {
        return imapPort;
    }

    int imapsPort() {
        return imapsPort;
    }

    /** Dovecot's log so far, for assertion messages. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log yet)";
    }

    /** Stops the master by its pid (SIGTERM, SIGKILL after 10 s) and any child it left behind. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    // Each literal must still be in the shipped file: if the example changes, this test must
    // change with it rather than quietly run something else.
    private static String render(String file, Map<String, String> replacements) throws IOException {
        String text = Files.readString(SHIPPED.resolve(file), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            if (!text.contains(r.getKey())) {
                throw new IllegalStateException("conf/dovecot/" + file + " no longer contains '" + r.getKey()
                        + "': update Dovecot.java with the shipped example");
            }
            text = text.replace(r.getKey(), r.getValue());
        }
        return text;
    }

    // dirmail runs as root in tests, so its files are root's; the mail user takes them over.
    private static String giveMailTo(Path mailRoot) throws IOException {
        UserPrincipalLookupService names = mailRoot.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = names.lookupPrincipalByName(MAIL_USER);
        String groupName = null;
        GroupPrincipal group = null;
        for (String candidate : MAIL_GROUPS) {
            try {
                group = names.lookupPrincipalByGroupName(candidate);
                groupName = candidate;
                break;
            } catch (IOException noSuchGroup) {
                // try the next name: Debian says nogroup, others nobody
            }
        }
        if (group == null) {
            throw new IOException("none of the groups " + MAIL_GROUPS + " exists");
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(mailRoot)) {
            paths = walk.toList();
        }
        for (Path path : paths) {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(user);
            view.setGroup(group);
        }
        return groupName;
    }

    private void awaitGreeting(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        List<String> failures = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dovecot exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.setSoTimeout(5000);
                if (port == imapsPort) {
                    return; // the greeting comes after the TLS handshake; accepting is enough here
                }
                InputStream in = socket.getInputStream();
                byte[] greeting = in.readNBytes(4);
                if (new String(greeting, StandardCharsets.US_ASCII).equals("* OK")) {
                    return;
                }
                failures.add("greeting " + new String(greeting, StandardCharsets.US_ASCII));
            } catch (IOException notYet) {
                failures.add(notYet.toString());
            }
            Thread.sleep(100);
        }
        throw new IOException("dovecot did not greet on port " + port + " within " + START_MILLIS + " ms "
                + failures.subList(Math.max(0, failures.size() - 3), failures.size()) + ":\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
