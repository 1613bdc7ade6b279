package org.dirmail.mta.cli;

import com.unboundid.ldap.sdk.LDAPException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.lint.DirectoryLinter;
import org.dirmail.directory.lint.LintReport;
import org.dirmail.directory.lint.LintRules;
import org.dirmail.directory.lint.StoreRule;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.delivery.MailStorePath;
import org.dirmail.mta.server.DirectoryAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dirmail directory check}: lints the directory the server uses (same LDAP keys; with the
 * embedded directory, the running server's) for entries that break mail, one finding per line.
 * Exit 0 when clean, 1 with findings, 2 when the configuration or the directory cannot be read.
 * The mail store rule is delivery's own ({@link MailStorePath}).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Lint the directory for what breaks mail: shared addresses, forwarding loops, missing group "
                + "members, bad mailMessageStore paths, unknown deliveryMode/accountStatus values, entries with "
                + "nowhere to deliver. Exit 0 clean, 1 findings, 2 error.")
final class DirectoryCheckCommand implements Callable<Integer> {

    private static final int CLEAN = 0;
    private static final int FINDINGS = 1;
    private static final int ERROR = 2;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        DirmailConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LdapSettings settings;
        try {
            settings = DirectoryAccess.settings(config, DirectoryAccess.configuredEmbeddedUrl(config));
        } catch (IOException | IllegalArgumentException e) {
            err.println("dirmail: " + e.getMessage());
            return ERROR;
        }
        LintRules rules = new LintRules(config.localDomains(), config.addresses(), storeRule(config.mailRoot()));
        LintReport report;
        try {
            report = new DirectoryLinter(settings, rules).run(finding -> out.println(finding.line()));
        } catch (LDAPException e) {
            out.flush();
            err.println("dirmail: the check is incomplete: cannot read " + settings.urls() + " under \""
                    + settings.baseDn() + "\": " + e.getMessage());
            return ERROR;
        }
        out.println(String.format(Locale.ROOT, "%d finding%s in %d mail entries under \"%s\" (%.1f s)",
                report.findings(), report.findings() == 1 ? "" : "s", report.entries(), settings.baseDn(),
                report.elapsed().toMillis() / 1000.0));
        out.flush();
        return report.clean() ? CLEAN : FINDINGS;
    }

    // Exactly what Maildir delivery accepts: under the mail root, no "..", and a Maildir (DeliveryPlan).
    static StoreRule storeRule(Path mailRoot) {
        return store -> {
            try {
                MailStorePath.resolve(mailRoot, store);
            } catch (MailStorePath.BadStoreException e) {
                return Optional.of(e.getMessage());
            }
            if (!MailStorePath.isMaildir(store)) {
                return Optional.of("mailMessageStore '" + store + "' is an mbox file, which dirmail does not deliver to "
                        + "(a Maildir path ends in /)");
            }
            return Optional.empty();
        };
    }
}
