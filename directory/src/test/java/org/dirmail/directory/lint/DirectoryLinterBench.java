package org.dirmail.directory.lint;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.AddRequest;
import com.unboundid.ldap.sdk.AsyncRequestID;
import com.unboundid.ldap.sdk.AsyncResultListener;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.ResultCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.ResolutionRules;
import org.dirmail.directory.openldap.Slapd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the linter takes on a large directory: seeds 20,000 accounts (-Ddirmail.bench.entries=N) (every tenth
 * forwarding to the next, one group per hundred) into a private OpenLDAP slapd and times the
 * check. (ApacheDS takes minutes just to accept that many adds.)
 * Not part of {@code mvn verify} (the name does not end in Test); run it with
 * {@code mvn -o -pl directory -am test -Dtest=DirectoryLinterBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class DirectoryLinterBench {

    private static final int ENTRIES = Integer.getInteger("dirmail.bench.entries", 20_000);
    private static final String BENCH = "ou=bench," + Slapd.BASE_DN;

    @TempDir
    Path instance;

    @Test
    void lintsALargeDirectory() throws Exception {
        Slapd.requireInstalled();
        try (Slapd slapd = Slapd.start(instance); LDAPConnection admin = slapd.admin()) {
            long seedStart = System.nanoTime();
            Entry ou = new Entry(BENCH);
            ou.addAttribute("objectClass", "top", "organizationalUnit");
            ou.addAttribute("ou", "bench");
            admin.add(ou);
            seed(admin);
            long seeded = System.nanoTime();
            LintRules rules = new LintRules(Set.of("example.com", "example.org"), ResolutionRules.defaults(),
                    store -> Optional.empty());
            AtomicInteger findings = new AtomicInteger();

            LintReport report = new DirectoryLinter(LdapSettings.defaults(List.of(slapd.url()), Slapd.ROOT_DN,
                    slapd.rootPassword(), Slapd.BASE_DN), rules).run(f -> findings.incrementAndGet());

            System.out.printf("seeded %d entries in %.1f s; checked %d entries in %.1f s (%d findings)%n", ENTRIES,
                    (seeded - seedStart) / 1e9, report.entries(), report.elapsed().toMillis() / 1e3, report.findings());
            assertThat(report.entries()).isEqualTo(ENTRIES + 6);
            assertThat(findings.get()).isZero();
        }
    }

    // Pipelined adds, at most 200 outstanding: one synchronous add per round trip would time the seeding, not the check.
    private static void seed(LDAPConnection admin) throws Exception {
        Semaphore window = new Semaphore(200);
        AtomicReference<String> failure = new AtomicReference<>();
        AsyncResultListener done = new AsyncResultListener() {
            @Override
            public void ldapResultReceived(AsyncRequestID id, LDAPResult result) {
                if (result.getResultCode() != ResultCode.SUCCESS) {
                    failure.compareAndSet(null, result.toString());
                }
                window.release();
            }
        };
        for (int i = 0; i < ENTRIES && failure.get() == null; i++) {
            window.acquire();
            admin.asyncAdd(new AddRequest(entry(i)), done);
        }
        window.acquire(200);
        assertThat(failure.get()).isNull();
    }

    private static Entry entry(int i) {
        String uid = "user" + i;
        Entry entry = new Entry("uid=" + uid + "," + BENCH);
        entry.addAttribute("uid", uid);
        entry.addAttribute("mail", uid + "@example.com");
        entry.addAttribute("mailAlternateAddress", "alias" + i + "@example.org");
        entry.addAttribute("mailMessageStore", "example.com/" + uid + "/Maildir/");
        if (i % 100 == 99) {
            entry.addAttribute("objectClass", "top", "account", "qmailUser", "qmailGroup");
            entry.addAttribute("rfc822member", "user" + (i - 1) + "@example.com", "alias" + (i - 2) + "@example.org");
            entry.addAttribute("dnmember", "uid=user" + (i - 3) + "," + BENCH);
        } else {
            entry.addAttribute("objectClass", "top", "account", "qmailUser");
            if (i % 10 == 0) {
                entry.addAttribute("mailForwardingAddress", "user" + (i + 1) + "@example.com");
            }
        }
        return entry;
    }
}
