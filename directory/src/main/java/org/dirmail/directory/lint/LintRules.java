package org.dirmail.directory.lint;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.dirmail.directory.ldap.ResolutionRules;

/**
 * What the linter needs to know besides the directory: which domains are local (only their
 * addresses must resolve to an entry), how an address becomes candidates (the resolver's rules,
 * so catch-alls and extensions count as the server counts them), and the mail store rule.
 *
 * @param localDomains domains whose addresses are resolved in this directory
 * @param addresses    the resolver's candidate rules
 * @param storeRule    the delivery side's check of a {@code mailMessageStore} value
 */
public record LintRules(Set<String> localDomains, ResolutionRules addresses, StoreRule storeRule) {

    public LintRules {
        localDomains = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** True when {@code address} has a local domain (an alias domain counts as its real one). */
    boolean isLocal(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        return localDomains.contains(domain) || localDomains.contains(addresses.realDomain(domain));
    }
}
