package org.dirmail.directory.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.ResolutionRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linter against a real in-process ApacheDS: the sample directory is clean, and a subtree
 * seeded with one of each mistake yields each finding exactly once, on the entry to fix.
 */
class DirectoryLinterTest {

    private static final String LINT = "ou=lint," + EmbeddedDirectory.BASE_DN;
    // The delivery side passes MailStorePath's rule; this stand-in refuses what it refuses most often.
    private static final StoreRule NO_DOTDOT = store -> store.contains("..")
            ? Optional.of("mailMessageStore '" + store + "' contains '..'") : Optional.empty();
    private static final LintRules RULES = new LintRules(Set.of("example.com", "example.org"),
            ResolutionRules.defaults(), NO_DOTDOT);

    @TempDir
    static Path instance;

    private static EmbeddedDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        directory = EmbeddedDirectory.start(instance, "127.0.0.1", 0);
        try (LDAPConnection admin = admin()) {
            Entry ou = new Entry(LINT);
            ou.addAttribute("objectClass", "top", "organizationalUnit");
            ou.addAttribute("ou", "lint");
            admin.add(ou);
            admin.add(user("dup-a", "mail: dup@example.com"));
            admin.add(user("dup-b", "mail: dup@example.com"));
            admin.add(user("shadow", "mailAlternateAddress: alice@example.com"));
            admin.add(user("loop-a", "deliveryMode: forwardonly", "mailForwardingAddress: loop-b@example.com"));
            admin.add(user("loop-b", "deliveryMode: forwardonly", "mailForwardingAddress: LOOP-A@example.com"));
            admin.add(user("self", "mailForwardingAddress: self+copy@example.com"));
            admin.add(user("escape", "mailMessageStore: ../../etc/"));
            admin.add(user("modes", "deliveryMode: nombox,reply", "mailForwardingAddress: bob@example.com"));
            admin.add(user("status", "accountStatus: disable"));
            admin.add(user("nowhere", "mailMessageStore:"));
            admin.add(user("gone", "mailMessageStore:", "accountStatus: disabled"));
            admin.add(user("list", "objectClass: qmailGroup", "mailAlternateAddress: list@example.com",
                    "rfc822member: ghost@example.com", "rfc822member: alice+sales@example.com",
                    "rfc822member: anyone@example.org", "rfc822member: friend@remote.example",
                    "dnmember: uid=bob,ou=people," + EmbeddedDirectory.BASE_DN,
                    "dnmember: uid=nobody," + LINT));
        }
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    @Test
    void theSampleDirectoryIsClean() throws Exception {
        List<Finding> findings = new ArrayList<>();

        LintReport report = linter("ou=people," + EmbeddedDirectory.BASE_DN).run(findings::add);

        assertThat(findings).isEmpty();
        assertThat(report.entries()).isEqualTo(6);
        assertThat(report.clean()).isTrue();
    }

    @Test
    void eachMistakeIsFoundOnceOnTheEntryToFix() throws Exception {
        List<Finding> findings = new ArrayList<>();

        LintReport report = linter(EmbeddedDirectory.BASE_DN).run(findings::add);

        List<String> lines = findings.stream().map(Finding::line).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "dn: uid=dup-[ab],ou=lint,dc=example,dc=com : mail dup@example\\.com is also held by uid=dup-[ab],.* ; fix: keep dup@example.com on one entry only"));
        assertThat(lines).contains(
                "dn: uid=shadow," + LINT + " : mailAlternateAddress alice@example.com shadows the mail of "
                        + "uid=alice,ou=people,dc=example,dc=com (lookups find two entries: 451 at SMTP, 5.3.5 at delivery)"
                        + " ; fix: remove mailAlternateAddress alice@example.com from this entry",
                "dn: uid=self," + LINT + " : mailForwardingAddress forwards to this entry itself: mail circles until "
                        + "it bounces as a loop ; fix: remove the mailForwardingAddress that names this entry",
                "dn: uid=escape," + LINT + " : mailMessageStore '../../etc/' contains '..': local delivery defers (4.3.5)"
                        + " ; fix: use a Maildir path relative to the mail root, ending in /, e.g. example.com/<uid>/Maildir/",
                "dn: uid=status," + LINT + " : accountStatus 'disable' is unknown and counts as active ; fix: use one of "
                        + "active, noaccess, disabled, deleted",
                "dn: uid=nowhere," + LINT + " : neither a mailbox nor a forwarding address: every delivery defers (4.3.5)"
                        + " ; fix: add a mailMessageStore (and drop deliveryMode nolocal/forwardonly) or a mailForwardingAddress",
                "dn: uid=list," + LINT + " : rfc822member ghost@example.com matches no entry: each group mail bounces for it"
                        + " ; fix: remove rfc822member ghost@example.com or create its entry",
                "dn: uid=list," + LINT + " : dnmember uid=nobody," + LINT + " is no entry with a mail address: it is skipped"
                        + " ; fix: remove dnmember uid=nobody," + LINT + " or give that entry a mail address");
        // Reported on whichever of the two the server returned first.
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("dn: uid=loop-[ab],ou=lint,dc=example,dc=com : forwarding loop "
                + "through 2 entries \\(.*\\): mail circles until it bounces as a loop ; fix: .*")
                .contains("uid=loop-a,").contains("uid=loop-b,"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("dn: uid=modes," + LINT
                + " : deliveryMode 'nombox,reply' is unknown and ignored").endsWith("(one value per mode, not comma-separated)"));
        assertThat(findings).as("one line per mistake, none for the sample entries or the correct ones")
                .hasSize(10).doesNotHaveDuplicates()
                .noneMatch(f -> f.dn().contains("ou=people") || f.dn().contains("uid=gone"));
        assertThat(report.findings()).isEqualTo(10);
        assertThat(report.entries()).isEqualTo(6 + 12);
    }

    @Test
    void anUnreachableDirectoryIsAnErrorNotACleanBill() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        LdapSettings nowhere = LdapSettings.defaults(List.of("ldap://127.0.0.1:" + closed), "", "", EmbeddedDirectory.BASE_DN)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));

        assertThatThrownBy(() -> new DirectoryLinter(nowhere, RULES).run(f -> { }))
                .isInstanceOf(LDAPException.class);
    }

    private static DirectoryLinter linter(String base) {
        return new DirectoryLinter(LdapSettings.defaults(List.of(directory.ldapUrl()), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword(), base), RULES);
    }

    private static LDAPConnection admin() throws LDAPException {
        return new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN, directory.adminPassword());
    }

    // An account under ou=lint with mail uid@example.com and a Maildir, changed by LDIF-style lines;
    // "mailMessageStore:" alone removes the Maildir.
    private static Entry user(String uid, String... lines) {
        Entry entry = new Entry("uid=" + uid + "," + LINT);
        entry.addAttribute("objectClass", "top", "account", "qmailUser");
        entry.addAttribute("uid", uid);
        boolean store = true;
        boolean mail = false;
        for (String line : lines) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (value.isEmpty()) {
                store = !name.equals("mailMessageStore") && store;
                continue;
            }
            if (name.equals("mailMessageStore")) {
                store = false;
            }
            mail |= name.equals("mail");
            entry.addAttribute(name, value);
        }
        if (!mail) {
            entry.addAttribute("mail", uid + "@example.com");
        }
        if (store) {
            entry.addAttribute("mailMessageStore", "example.com/" + uid + "/Maildir/");
        }
        return entry;
    }
}
