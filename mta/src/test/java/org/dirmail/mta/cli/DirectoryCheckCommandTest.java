package org.dirmail.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dirmail directory check} against the embedded directory as a running server leaves it
 * (the admin password under the data dir): clean sample, delivery's own store rule, exit codes.
 */
class DirectoryCheckCommandTest {

    private static final String PEOPLE = "ou=people,dc=example,dc=com";

    @TempDir
    static Path data;

    private static EmbeddedDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        directory = EmbeddedDirectory.start(data.resolve("directory"), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    @Test
    void theSampleDirectoryIsCleanAndExitsZero() {
        Result r = check("-o", "embedded_directory_listen=127.0.0.1:" + directory.port());

        assertThat(r.status).isZero();
        assertThat(r.out).matches("0 findings in 6 mail entries under \"dc=example,dc=com\" \\(\\d+\\.\\d s\\)\n");
    }

    @Test
    void storesAreJudgedByDeliverysRuleAndFindingsExitOne() throws Exception {
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword())) {
            admin.add(account("outside", "/etc/dirmail/"));
            admin.add(account("mbox", "example.com/mbox/mbox"));
            try {
                Result r = check("-o", "embedded_directory_listen=127.0.0.1:" + directory.port());

                assertThat(r.status).isEqualTo(1);
                List<String> lines = r.out.lines().toList();
                assertThat(lines).hasSize(3);
                assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder(
                        "dn: uid=outside," + PEOPLE + " : mailMessageStore '/etc/dirmail/' is outside the mail root "
                                + data.resolve("mail").toAbsolutePath() + ": local delivery defers (4.3.5) ; fix: use a "
                                + "Maildir path relative to the mail root, ending in /, e.g. example.com/<uid>/Maildir/",
                        "dn: uid=mbox," + PEOPLE + " : mailMessageStore 'example.com/mbox/mbox' is an mbox file, which "
                                + "dirmail does not deliver to (a Maildir path ends in /): local delivery defers (4.3.5) ; fix: "
                                + "use a Maildir path relative to the mail root, ending in /, e.g. example.com/<uid>/Maildir/");
                assertThat(lines.get(2)).startsWith("2 findings in 8 mail entries");
            } finally {
                admin.delete("uid=outside," + PEOPLE);
                admin.delete("uid=mbox," + PEOPLE);
            }
        }
    }

    @Test
    void anUnreachableDirectoryExitsTwo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Result r = check("-o", "embedded_directory_listen=127.0.0.1:" + closed, "-o", "ldap_connect_timeout=1s");

        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).startsWith("dirmail: the check is incomplete: cannot read [ldap://127.0.0.1:" + closed + "]");
        assertThat(r.out).isEmpty();
    }

    @Test
    void withoutASubcommandItIsAUsageError() {
        assertThat(new CommandLine(new DirmailCommand()).setErr(new PrintWriter(new StringWriter()))
                .execute("directory")).isEqualTo(2);
    }

    private static Entry account(String uid, String store) {
        Entry entry = new Entry("uid=" + uid + "," + PEOPLE);
        entry.addAttribute("objectClass", "top", "account", "qmailUser");
        entry.addAttribute("uid", uid);
        entry.addAttribute("mail", uid + "@example.com");
        entry.addAttribute("mailMessageStore", store);
        return entry;
    }

    private record Result(int status, String out, String err) {
    }

    private static Result check(String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DirmailCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("directory", "check", "--data-dir=" + data));
        args.addAll(List.of(options));
        int status = cli.execute(args.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }
}
