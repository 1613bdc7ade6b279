package org.dirmail.mta.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapMailGroups;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.ResolutionTrace;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.delivery.DeliveryPlan;
import org.dirmail.mta.server.DirectoryAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirmail lookup ADDRESS}: explains how the directory resolves an address, like
 * qmail-ldap's qmail-ldaplookup: every candidate searched with its filter and count, the entry,
 * the SMTP answer and the delivery plan, with a group's members expanded. It only prints: the resolver records the walk
 * ({@link ResolutionTrace}) and {@link DeliveryPlan} decides delivery, exactly as the server does.
 * With the embedded directory it talks to the running server's directory.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = "Explain how an address resolves: each candidate and LDAP filter, the entry, "
                + "the SMTP answer, and where delivery would put the mail.")
final class LookupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "ADDRESS", description = "a recipient address, e.g. alice@example.com")
    String address;

    @Override
    public Integer call() throws Exception {
        DirmailConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        String normalized = address.trim();
        if (normalized.indexOf('@') <= 0 || normalized.endsWith("@")) {
            spec.commandLine().getErr().println("dirmail: '" + address + "' is not an address of the form local@domain");
            return 2;
        }
        String url = DirectoryAccess.configuredEmbeddedUrl(config);
        try (LdapDirectory directory = LdapDirectory.open(DirectoryAccess.settings(config, url))) {
            LdapRecipientResolver resolver = new LdapRecipientResolver(directory, config.addresses());
            ResolutionTrace trace = resolver.trace(normalized).toCompletableFuture().get(60, TimeUnit.SECONDS);
            int status = print(out, config, normalized, trace, new LdapMailGroups(directory, resolver));
            out.flush();
            return status;
        }
    }

    private static int print(PrintWriter out, DirmailConfig config, String address, ResolutionTrace trace,
            MailGroups groups) throws Exception {
        trace.describe().forEach(out::println);
        Lookup lookup = trace.result();
        if (lookup instanceof Lookup.Found found) {
            MailUser u = found.user();
            out.println("entry:       " + u.dn());
            out.println("  mail:      " + u.mail());
            u.uid().ifPresent(uid -> out.println("  uid:       " + uid));
            out.println("  status:    " + u.accountStatus().name().toLowerCase(Locale.ROOT));
            if (!found.extension().isEmpty()) {
                out.println("  extension: " + found.extension());
            }
            if (u.quotaSize() > 0 || u.quotaCount() > 0) {
                out.println("  quota:     " + u.quotaSize() + " bytes, " + u.quotaCount() + " messages (0 = unlimited)");
            }
        }
        int at = address.lastIndexOf('@');
        boolean local = config.localDomains().contains(address.substring(at + 1).toLowerCase(Locale.ROOT));
        out.println("smtp:        RCPT TO answered " + (local ? smtpAnswer(lookup)
                : "554 5.7.1 (the domain is not in local_domains: relaying is refused before any lookup)"));
        DeliveryPlan plan = DeliveryPlan.of(lookup, config.mailRoot(), config.delivery().programs().allowed(),
                config.cluster().nodeNames());
        plan.describe().forEach(out::println);
        if (plan.group().isPresent()) {
            // The same live expansion delivery does; the members-only check needs a sender, so it is not shown.
            GroupExpansion expansion = groups.expand(plan.group().get()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (expansion instanceof GroupExpansion.Members members) {
                members.addresses().forEach(member -> out.println("  member:    " + member));
                members.notes().forEach(note -> out.println("  note:      " + note));
            } else {
                out.println("  members:   not expanded now: " + ((GroupExpansion.TempFail) expansion).reason());
            }
        }
        if (lookup instanceof Lookup.TempFail) {
            return 75; // EX_TEMPFAIL
        }
        return lookup instanceof Lookup.Found ? 0 : 1;
    }

    private static String groupAnswer(MailGroup group) {
        if (group.needsSecretary()) {
            return "550 5.7.1 (the group needs moderation or sender confirmation, which dirmail does not do)";
        }
        return group.membersOnly() ? "250 2.1.5 to members only, else 550 5.7.1" : "250 2.1.5";
    }

    // The SMTP layer's mapping (smtp package, SmtpSession.resolved): only NotFound and the
    // account status are permanent.
    private static String smtpAnswer(Lookup lookup) {
        if (lookup instanceof Lookup.TempFail tf) {
            return "451 4.4.3 (temporary failure: " + tf.reason() + ")";
        }
        if (!(lookup instanceof Lookup.Found found)) {
            return "550 5.1.1 (no entry for any candidate)";
        }
        switch (found.user().accountStatus()) {
            case DISABLED:
                return "550 5.2.1 (accountStatus disabled)";
            case DELETED:
                return "550 5.1.1 (accountStatus deleted)";
            default:
                return found.user().group().map(LookupCommand::groupAnswer).orElse("250 2.1.5");
        }
    }
}
