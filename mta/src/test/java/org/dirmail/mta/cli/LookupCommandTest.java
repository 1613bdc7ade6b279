package org.dirmail.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dirmail lookup} against the embedded directory with the sample data: each candidate and
 * filter, the entry, the SMTP answer and the delivery plan, as an operator reads them.
 */
class LookupCommandTest {

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
    void plainMailbox() {
        Result r = lookup("alice@example.com");

        assertThat(r.status).isZero();
        assertThat(r.out).contains("""
                address:     alice@example.com
                search:      base "dc=example,dc=com", scope sub, one search per candidate
                candidate 1: alice@example.com (the address)
                  filter:    (&(objectClass=qmailUser)(|(mail=alice@example.com)(mailAlternateAddress=alice@example.com)))
                  result:    1 entry: uid=alice,ou=people,dc=example,dc=com
                candidate 2: catchall@example.com (the domain catch-all, extension "alice"): not searched, the walk stopped
                entry:       uid=alice,ou=people,dc=example,dc=com
                  mail:      alice@example.com
                  uid:       alice
                  status:    active
                  quota:     10485760 bytes, 0 messages (0 = unlimited)
                smtp:        RCPT TO answered 250 2.1.5
                delivery:    store
                  maildir:   %s
                """.formatted(data.resolve("mail/example.com/alice/Maildir").toAbsolutePath()));
    }

    @Test
    void alternateAddress() {
        Result r = lookup("bob.smith@example.com");

        assertThat(r.out).contains("result:    1 entry: uid=bob," + PEOPLE)
                .contains("  mail:      bob@example.com\n")
                .contains("maildir:   " + data.resolve("mail/example.com/bob/Maildir").toAbsolutePath());
    }

    @Test
    void forwardOnly() {
        Result r = lookup("carol@example.com");

        assertThat(r.out).contains("""
                delivery:    no local copy, forward
                  forward:   alice@example.com
                  note:      deliveryMode forwardonly
                  note:      mailMessageStore example.com/carol/Maildir/ not used: no local delivery
                """);
    }

    @Test
    void groupShowsItsMembers() {
        Result r = lookup("sales@example.com");

        assertThat(r.status).isZero();
        assertThat(r.out).contains("""
                smtp:        RCPT TO answered 250 2.1.5
                delivery:    expand the group: one copy to all members
                  note:      qmailGroup: deliveryMode, mailForwardingAddress and mailMessageStore are not used
                """).contains("  member:    alice@example.com\n").contains("  member:    bob@example.com\n")
                .doesNotContain("maildir:");
    }

    @Test
    void disabled() {
        Result r = lookup("dave@example.com");

        assertThat(r.out).contains("status:    disabled")
                .contains("smtp:        RCPT TO answered 550 5.2.1 (accountStatus disabled)")
                .contains("delivery:    bounce 5.2.1 (mailbox disabled)");
    }

    @Test
    void notFound() {
        Result r = lookup("nobody@example.com");

        assertThat(r.status).isEqualTo(1);
        assertThat(r.out).contains("""
                candidate 1: nobody@example.com (the address)
                  filter:    (&(objectClass=qmailUser)(|(mail=nobody@example.com)(mailAlternateAddress=nobody@example.com)))
                  result:    0 entries: next candidate
                candidate 2: catchall@example.com (the domain catch-all, extension "nobody")
                  filter:    (&(objectClass=qmailUser)(|(mail=catchall@example.com)(mailAlternateAddress=catchall@example.com)))
                  result:    0 entries: next candidate
                smtp:        RCPT TO answered 550 5.1.1 (no entry for any candidate)
                delivery:    bounce 5.1.1 (no mailbox here by that name)
                """);
    }

    @Test
    void catchAll() {
        Result r = lookup("anything@example.org");

        assertThat(r.out).contains("candidate 2: catchall@example.org (the domain catch-all, extension \"anything\")\n")
                .contains("result:    1 entry: uid=catchall-example-org," + PEOPLE)
                .contains("extension: anything")
                .contains("maildir:   " + data.resolve("mail/example.org/catchall-example-org/Maildir").toAbsolutePath());
    }

    @Test
    void delimiterAndDashExtensions() {
        Result r = lookup("alice+tag@example.com");

        assertThat(r.out).contains("""
                candidate 1: alice+tag@example.com (the address)
                  filter:    (&(objectClass=qmailUser)(|(mail=alice+tag@example.com)(mailAlternateAddress=alice+tag@example.com)))
                  result:    0 entries: next candidate
                candidate 2: alice@example.com (without the extension after '+', extension "tag")
                """).contains("  extension: tag\n").contains("smtp:        RCPT TO answered 250 2.1.5");

        assertThat(lookup("a-b-c@example.com").out)
                .contains("candidate 2: a-b-catchall@example.com (dash extension catch-all, extension \"c\")")
                .contains("candidate 3: a-catchall@example.com (dash extension catch-all, extension \"b-c\")")
                .contains("candidate 4: catchall@example.com");
    }

    @Test
    void aliasDomain() {
        Result r = lookup("bob.smith@example.net", "-o", "local_domains=example.com example.net",
                "-o", "alias_domains=example.net:example.com");

        assertThat(r.out).contains("domain:      example.net is an alias of example.com (alias_domains)")
                .contains("candidate 1: bob.smith@example.com (the address)")
                .contains("smtp:        RCPT TO answered 250 2.1.5");
        assertThat(lookup("bob.smith@example.net").out).as("without the alias")
                .contains("RCPT TO answered 554 5.7.1");
    }

    @Test
    void ambiguityIs451AtSmtpButABounceAtDelivery() throws Exception {
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword())) {
            admin.add(person("twin-one"));
            admin.add(person("twin-two"));
            try {
                Result r = lookup("twin@example.com");

                assertThat(r.status).isEqualTo(75);
                assertThat(r.out).contains("result:    more than one entry: ambiguous, the walk stops")
                        .contains("candidate 2: catchall@example.com (the domain catch-all, extension \"twin\"): not searched")
                        .contains("smtp:        RCPT TO answered 451 4.4.3 (temporary failure: ambiguous: more than one "
                                + "directory entry for twin@example.com)")
                        .contains("delivery:    bounce 5.3.5");
            } finally {
                admin.delete("uid=twin-one," + PEOPLE);
                admin.delete("uid=twin-two," + PEOPLE);
            }
        }
    }

    private static Entry person(String uid) {
        Entry entry = new Entry("uid=" + uid + "," + PEOPLE);
        entry.addAttribute("objectClass", "top", "account", "qmailUser");
        entry.addAttribute("uid", uid);
        entry.addAttribute("mail", uid + "@example.com");
        entry.addAttribute("mailAlternateAddress", "twin@example.com");
        return entry;
    }

    private record Result(int status, String out) {
    }

    private static Result lookup(String address, String... options) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new DirmailCommand());
        cli.setOut(new PrintWriter(out, true));
        String[] args = new String[options.length + 6];
        args[0] = "lookup";
        args[1] = "--data-dir=" + data;
        args[2] = "-o";
        args[3] = "embedded_directory_listen=127.0.0.1:" + directory.port();
        System.arraycopy(options, 0, args, 4, options.length);
        args[args.length - 2] = "--";
        args[args.length - 1] = address;
        int status = cli.execute(args);
        return new Result(status, out.toString());
    }
}
