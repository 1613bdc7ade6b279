package org.dirmail.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive {@code mvn package} builds, used as an admin would: unpacked with tar,
 * started as a separate process through {@code bin/dirmail run} (plain java, config from its
 * {@code conf/}), answered on the SMTP port, and stopped with SIGTERM.
 */
class DistributionIT {

    // A ceiling for a loaded machine; an idle one greets within a few seconds.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void unpacksStartsGreetsAndStops() throws Exception {
        Path home = unpack();
        assertThat(home.resolve("bin/dirmail")).isExecutable();
        assertThat(home.resolve("lib/dirmail.jar")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        for (String file : List.of("dirmail.conf", "logback.xml", "dirmail.service", "dovecot/dovecot.conf")) {
            assertThat(home.resolve("conf").resolve(file)).isRegularFile();
        }
        for (String file : List.of("qmail.schema", "qmail.ldif", "qmail-apacheds.ldif", "sample-data.ldif")) {
            assertThat(home.resolve("schema").resolve(file)).isRegularFile();
        }

        int smtpPort = freePort();
        Path log = tmp.resolve("dirmail.log");
        // An external directory that is down: the server starts regardless (lookups would answer
        // 451), and the test is spared an ApacheDS start. Every other listener is off.
        Process dirmail = launch(home, log, "run", "--data-dir", tmp.resolve("var").toString(),
                "-o", "smtp_listen=127.0.0.1:" + smtpPort,
                "-o", "embedded_directory=no", "-o", "ldap_urls=ldap://127.0.0.1:" + freePort(),
                "-o", "submission_listen=", "-o", "smtps_listen=", "-o", "pop3_listen=", "-o", "pop3s_listen=", "-o", "admin_listen=none");
        try {
            assertThat(greeting(smtpPort, dirmail)).as("greeting; log:%n%s", read(log)).startsWith("220 ");

            dirmail.destroy(); // SIGTERM, as systemctl stop
            assertThat(dirmail.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s; log:%n%s", read(log)).isTrue();
            assertThat(dirmail.exitValue()).as("the JVM's exit after SIGTERM; log:%n%s", read(log)).isEqualTo(143);
        } finally {
            dirmail.destroyForcibly();
        }
    }

    private Path unpack() throws Exception {
        Path archive = Path.of(System.getProperty("dirmail.dist", "target/dirmail-archive-not-set.tar.gz"));
        assertThat(archive).as("the archive mvn package builds").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        String name = archive.getFileName().toString();
        return tmp.resolve(name.substring(0, name.length() - ".tar.gz".length()));
    }

    // The launcher finds java through JAVA_HOME: the JDK running this test, not whatever is on PATH.
    private static Process launch(Path home, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/dirmail").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("DIRMAIL_CONFIG");
        builder.environment().remove("JAVA_OPTS");
        return builder.start();
    }

    // Polls until the listener accepts, the process dies or the start timeout passes.
    private static String greeting(int port, Process dirmail) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && dirmail.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line = in.readLine();
                socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                return line;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        return "no greeting (process alive: " + dirmail.isAlive() + ")";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }
}
