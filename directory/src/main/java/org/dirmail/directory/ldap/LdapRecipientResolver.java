package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.schema.QmailAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a recipient live against the directory in qmail-ldap's order (qmail-ldap.md §2.2,
 * §2.3): the address, then {@code catchall@domain}; only "no entry" moves on to the next
 * candidate, any error or ambiguity stops the walk with a TempFail. Trusts the address only to
 * be a string: it reaches LDAP as an assertion value, never as filter text. Thread-safe.
 */
public final class LdapRecipientResolver implements RecipientResolver {

    private static final Logger log = LoggerFactory.getLogger(LdapRecipientResolver.class);

    // Two is enough to tell "exactly one" from "more than one".
    private static final int SIZE_LIMIT = 2;

    private final LdapDirectory directory;
    private final LdapSettings settings;

    public LdapRecipientResolver(LdapDirectory directory) {
        this.directory = directory;
        this.settings = directory.settings();
    }

    /** Completes on a directory thread; never exceptionally (every failure is a TempFail). */
    @Override
    public CompletionStage<Lookup> resolve(String address) {
        try {
            List<String> candidates = candidates(address);
            if (candidates.isEmpty()) {
                log.debug("ldap: address with control or format characters not searched");
                return CompletableFuture.<Lookup>completedFuture(new Lookup.NotFound()).minimalCompletionStage();
            }
            return directory.submit(ldap -> walk(ldap, address, candidates))
                    .exceptionally(e -> tempFail(address, reasonFor(e)))
                    .minimalCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.<Lookup>completedFuture(tempFail(address, reasonFor(e)))
                    .minimalCompletionStage();
        }
    }

    /**
     * The addresses to search, in order: the lower-cased address, then {@code catchall@domain}.
     * A local part starting with {@code -} is checked only as the catch-all (qmail-ldap.md §2.3).
     * None for an address with control or format characters (NUL, soft hyphen, zero-width
     * space): no mail address holds one (RFC 5321 4.1.2), and LDAP string preparation may delete
     * them before matching (RFC 4518 2.2): ApacheDS matches {@code "alice@example.com\0"} to alice.
     */
    static List<String> candidates(String address) {
        if (address.chars().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            return List.of();
        }
        String lower = address.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        if (at <= 0 || at == lower.length() - 1) {
            return List.of(lower);
        }
        String catchAll = QmailAttributes.CATCH_ALL_LOCAL_PART + lower.substring(at);
        if (lower.startsWith("-") || lower.equals(catchAll)) {
            return List.of(catchAll);
        }
        return List.of(lower, catchAll);
    }

    private Lookup walk(LDAPInterface ldap, String address, List<String> candidates) {
        for (String candidate : candidates) {
            Lookup answer = search(ldap, address, candidate);
            if (!(answer instanceof Lookup.NotFound)) {
                return answer;
            }
        }
        log.debug("ldap: {} not found", address);
        return new Lookup.NotFound();
    }

    private Lookup search(LDAPInterface ldap, String address, String candidate) {
        Filter filter = QmailFilters.recipient(candidate, settings.objectClass());
        SearchRequest request = new SearchRequest(settings.baseDn(), SearchScope.SUB,
                DereferencePolicy.NEVER, SIZE_LIMIT, timeLimitSeconds(), false, filter,
                MailUserMapper.attributes());
        request.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        log.debug("ldap search base=\"{}\" filter={}", settings.baseDn(), filter);
        SearchResult result;
        try {
            result = ldap.search(request);
        } catch (LDAPSearchException e) {
            ResultCode code = e.getResultCode();
            if (code == ResultCode.NO_SUCH_OBJECT) {
                // qmail-ldap counts this as "no entry" too; it usually means a wrong base DN.
                log.warn("ldap: base DN \"{}\" does not exist; {} counts as not found", settings.baseDn(), candidate);
                return new Lookup.NotFound();
            }
            if (code == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return ambiguous(address, candidate);
            }
            return tempFail(address, "directory error: " + code.getName(), firstLine(e.getMessage()));
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() > 1) {
            return ambiguous(address, candidate);
        }
        if (entries.isEmpty()) {
            if (result.getReferenceCount() > 0) {
                // The entry may live behind the referral: "not found" would be a guess, and a
                // wrong guess here is a permanent 550.
                return tempFail(address, "directory returned a referral for " + candidate);
            }
            return new Lookup.NotFound();
        }
        try {
            Lookup.Found found = new Lookup.Found(MailUserMapper.map(entries.get(0)), candidate);
            log.debug("ldap: {} found as {} ({})", address, found.user().dn(), candidate);
            return found;
        } catch (MailUserMapper.InvalidEntryException e) {
            return tempFail(address, e.getMessage());
        }
    }

    // The server-side time limit, in whole seconds, is never below the client's response timeout.
    private int timeLimitSeconds() {
        long millis = settings.responseTimeout().toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
    }

    private static Lookup ambiguous(String address, String candidate) {
        return tempFail(address, "ambiguous: more than one directory entry for " + candidate);
    }

    private static Lookup.TempFail tempFail(String address, String reason) {
        log.warn("ldap: lookup of {} failed temporarily: {}", address, reason);
        return new Lookup.TempFail(reason);
    }

    // The detail goes to the log only: it can name servers and carry server internals.
    private static Lookup.TempFail tempFail(String address, String reason, String detail) {
        log.warn("ldap: lookup of {} failed temporarily: {} ({})", address, reason, detail);
        return new Lookup.TempFail(reason);
    }

    private static String reasonFor(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RejectedExecutionException) {
            return "directory busy or closed: lookup not queued";
        }
        log.warn("ldap: unexpected failure", cause);
        return "directory error: " + cause.getClass().getSimpleName();
    }

    // Messages can be long (ApacheDS sends stack traces as diagnostics); keep the first line.
    private static String firstLine(String message) {
        String line = message == null ? "" : message.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
