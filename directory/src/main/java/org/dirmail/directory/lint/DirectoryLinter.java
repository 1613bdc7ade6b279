package org.dirmail.directory.lint;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.QmailFilters;
import org.dirmail.schema.QmailAttributes;

/**
 * Lints a directory for what breaks mail ({@code dirmail directory check}). Two paged scans over
 * every mail entry: the first builds the {@link AddressIndex} (and finds shared addresses), the
 * second checks each entry against it; forwarding loops are reported last. Only the index lives
 * in memory. Holds the bind credentials of its settings; reads, never writes.
 */
public final class DirectoryLinter {

    private static final String[] ADDRESS_ATTRIBUTES = {QmailAttributes.MAIL, QmailAttributes.MAIL_ALTERNATE_ADDRESS};
    private static final String[] NO_VALUES = new String[0];

    private final LdapSettings settings;
    private final LintRules rules;

    /** {@code settings} as the server uses them; the linter opens its own single connection. */
    public DirectoryLinter(LdapSettings settings, LintRules rules) {
        // A paged-results cookie is valid on its own connection only; a long scan must not be cut
        // by the pool's connection age limit either.
        this.settings = settings.withPool(1, Duration.ofHours(1), Duration.ofDays(1));
        this.rules = rules;
    }

    /**
     * Scans the directory and hands each finding to {@code findings} as it is found.
     *
     * @throws LDAPException when the directory cannot be read to the end (the check is then incomplete)
     */
    public LintReport run(Consumer<Finding> findings) throws LDAPException, InterruptedException {
        long start = System.nanoTime();
        int[] count = {0};
        Consumer<Finding> counting = finding -> {
            count[0]++;
            findings.accept(finding);
        };
        AddressIndex index = new AddressIndex();
        ForwardLoops loops = new ForwardLoops();
        EntryChecks checks = new EntryChecks(index, rules, loops);
        Filter filter = QmailFilters.mailEntries(settings.objectClass());
        try (LdapDirectory directory = LdapDirectory.open(settings)) {
            await(directory.submit(ldap -> {
                PagedScan.scan(ldap, settings.baseDn(), filter, ADDRESS_ATTRIBUTES, entry -> index.add(entry.getDN(),
                        orNone(entry.getAttributeValues(QmailAttributes.MAIL)),
                        orNone(entry.getAttributeValues(QmailAttributes.MAIL_ALTERNATE_ADDRESS)), counting));
                PagedScan.scan(ldap, settings.baseDn(), filter, EntryChecks.ATTRIBUTES, entry -> checks.check(entry, counting));
                return null;
            }));
        }
        loops.report(index::dn, counting);
        return new LintReport(index.size(), count[0], Duration.ofNanos(System.nanoTime() - start));
    }

    private static String[] orNone(String[] values) {
        return values == null ? NO_VALUES : values;
    }

    private static void await(CompletableFuture<?> scan) throws LDAPException, InterruptedException {
        try {
            scan.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LDAPException ldap) {
                throw ldap;
            }
            throw new LDAPException(ResultCode.LOCAL_ERROR, "directory scan failed: " + e.getCause(), e.getCause());
        }
    }
}
