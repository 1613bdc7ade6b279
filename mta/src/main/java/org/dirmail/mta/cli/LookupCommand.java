package org.dirmail.mta.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.server.DirectoryAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dirmail lookup ADDRESS}: shows how the directory resolves an address, like qmail-ldap's
 * qmail-ldaplookup. With the embedded directory it talks to the running server's directory.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = "Show how an address resolves: the matching candidate, the entry's DN, where mail would go.")
final class LookupCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "ADDRESS", description = "a recipient address, e.g. alice@example.com")
    String address;

    @Override
    public Integer call() throws Exception {
        DirmailConfig config = options.load();
        String url = DirectoryAccess.configuredEmbeddedUrl(config);
        try (LdapDirectory directory = LdapDirectory.open(DirectoryAccess.settings(config, url))) {
            String normalized = address.trim();
            if (normalized.indexOf('@') <= 0 || normalized.endsWith("@")) {
                System.err.println("dirmail: '" + address + "' is not an address of the form local@domain");
                return 2;
            }
            Lookup lookup = new LdapRecipientResolver(directory).resolve(normalized)
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            return print(config, normalized, lookup);
        }
    }

    private static int print(DirmailConfig config, String address, Lookup lookup) {
        System.out.println("address:   " + address);
        if (lookup instanceof Lookup.TempFail tf) {
            System.out.println("result:    temporary failure (SMTP would answer 451 4.4.3): " + tf.reason());
            return 75; // EX_TEMPFAIL
        }
        if (!(lookup instanceof Lookup.Found found)) {
            System.out.println("result:    not found (SMTP would answer 550 5.1.1)");
            return 1;
        }
        MailUser u = found.user();
        System.out.println("result:    found via candidate " + found.candidate());
        System.out.println("dn:        " + u.dn());
        System.out.println("mail:      " + u.mail());
        u.uid().ifPresent(uid -> System.out.println("uid:       " + uid));
        System.out.println("status:    " + u.accountStatus().name().toLowerCase(java.util.Locale.ROOT)
                + (u.accountStatus().receivesMail() ? "" : " (mail is refused)"));
        u.mailMessageStore().ifPresent(s -> System.out.println("maildir:   " + s + " -> "
                + config.mailRoot().resolve(s).toAbsolutePath().normalize()));
        u.mailHost().ifPresent(h -> System.out.println("mailhost:  " + h));
        u.forwardingAddresses().forEach(f -> System.out.println("forward:   " + f));
        u.deliveryModes().forEach(m -> System.out.println("mode:      " + m));
        if (u.quotaSize() > 0 || u.quotaCount() > 0) {
            System.out.println("quota:     " + u.quotaSize() + " bytes, " + u.quotaCount() + " messages (0 = unlimited)");
        }
        return 0;
    }
}
