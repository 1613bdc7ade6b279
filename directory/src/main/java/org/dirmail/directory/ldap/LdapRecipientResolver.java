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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.directory.ldap.RecipientCandidates.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a recipient live against the directory in qmail-ldap's order (qmail-ldap.md §2.2,
 * §2.3; the candidates are {@link RecipientCandidates}'): only "no entry" moves on to the next
 * candidate, any error or ambiguity stops the walk with a TempFail. Trusts the address only to
 * be a string: it reaches LDAP as an assertion value, never as filter text. Thread-safe.
 */
public final class LdapRecipientResolver implements RecipientResolver {

    private static final Logger log = LoggerFactory.getLogger(LdapRecipientResolver.class);

    // Two is enough to tell "exactly one" from "more than one".
    private static final int SIZE_LIMIT = 2;

    private final LdapDirectory directory;
    private final LdapSettings settings;
    private final ResolutionRules rules;

    /** A resolver with the default rules: {@code +} delimiter, {@code -} dash extensions, no alias domains. */
    public LdapRecipientResolver(LdapDirectory directory) {
        this(directory, ResolutionRules.defaults());
    }

    public LdapRecipientResolver(LdapDirectory directory, ResolutionRules rules) {
        this.directory = directory;
        this.settings = directory.settings();
        this.rules = rules;
    }

    /** Completes on a directory thread; never exceptionally (every failure is a TempFail). */
    @Override
    public CompletionStage<Lookup> resolve(String address) {
        return trace(address).thenApply(ResolutionTrace::result);
    }

    /**
     * Resolves {@code address} and records every search on the way, for {@code dirmail lookup}.
     * Completes like {@link #resolve}: never exceptionally.
     */
    public CompletionStage<ResolutionTrace> trace(String address) {
        try {
            List<Candidate> candidates = RecipientCandidates.of(address, rules);
            if (candidates.isEmpty()) {
                log.debug("ldap: address with control or format characters not searched");
                return CompletableFuture.completedFuture(
                        finished(address, List.of(), List.of(), new Lookup.NotFound())).minimalCompletionStage();
            }
            return directory.submit(ldap -> walk(ldap, address, candidates))
                    .exceptionally(e -> finished(address, List.of(), candidates, tempFail(address, reasonFor(e))))
                    .minimalCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    finished(address, List.of(), List.of(), tempFail(address, reasonFor(e)))).minimalCompletionStage();
        }
    }

    private ResolutionTrace walk(LDAPInterface ldap, String address, List<Candidate> candidates) {
        List<ResolutionTrace.Step> steps = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Lookup answer = search(ldap, address, candidates.get(i), steps);
            if (!(answer instanceof Lookup.NotFound)) {
                return finished(address, steps, candidates.subList(i + 1, candidates.size()), answer);
            }
        }
        log.debug("ldap: {} not found", address);
        return finished(address, steps, List.of(), new Lookup.NotFound());
    }

    // One candidate, one search; the step is recorded whatever the outcome.
    private Lookup search(LDAPInterface ldap, String address, Candidate candidate, List<ResolutionTrace.Step> steps) {
        Filter filter = QmailFilters.recipient(candidate.address(), settings.objectClass());
        SearchRequest request = new SearchRequest(settings.baseDn(), SearchScope.SUB,
                DereferencePolicy.NEVER, SIZE_LIMIT, timeLimitSeconds(), false, filter,
                MailUserMapper.attributes());
        request.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        log.debug("ldap search base=\"{}\" filter={}", settings.baseDn(), filter);
        String shown = filter.toString();
        SearchResult result;
        try {
            result = ldap.search(request);
        } catch (LDAPSearchException e) {
            ResultCode code = e.getResultCode();
            if (code == ResultCode.NO_SUCH_OBJECT) {
                // qmail-ldap counts this as "no entry" too; it usually means a wrong base DN.
                log.warn("ldap: base DN \"{}\" does not exist; {} counts as not found", settings.baseDn(), candidate.address());
                steps.add(new ResolutionTrace.Step(candidate, shown, 0, "base DN does not exist"));
                return new Lookup.NotFound();
            }
            if (code == ResultCode.SIZE_LIMIT_EXCEEDED) {
                steps.add(new ResolutionTrace.Step(candidate, shown, ResolutionTrace.MANY, ""));
                return ambiguous(address, candidate);
            }
            Lookup.TempFail fail = tempFail(address, "directory error: " + code.getName(), firstLine(e.getMessage()));
            steps.add(new ResolutionTrace.Step(candidate, shown, -1, fail.reason()));
            return fail;
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() > 1) {
            steps.add(new ResolutionTrace.Step(candidate, shown, ResolutionTrace.MANY, ""));
            return ambiguous(address, candidate);
        }
        if (entries.isEmpty()) {
            if (result.getReferenceCount() > 0) {
                // The entry may live behind the referral: "not found" would be a guess, and a
                // wrong guess here is a permanent 550.
                Lookup.TempFail fail = tempFail(address, "directory returned a referral for " + candidate.address());
                steps.add(new ResolutionTrace.Step(candidate, shown, -1, fail.reason()));
                return fail;
            }
            steps.add(new ResolutionTrace.Step(candidate, shown, 0, ""));
            return new Lookup.NotFound();
        }
        SearchResultEntry entry = entries.get(0);
        try {
            Lookup.Found found = new Lookup.Found(MailUserMapper.map(entry), candidate.address(), candidate.extension());
            steps.add(new ResolutionTrace.Step(candidate, shown, 1, entry.getDN()));
            log.debug("ldap: {} found as {} ({})", address, found.user().dn(), candidate.address());
            return found;
        } catch (MailUserMapper.InvalidEntryException e) {
            steps.add(new ResolutionTrace.Step(candidate, shown, 1, entry.getDN() + ", unusable: " + e.getMessage()));
            return tempFail(address, e.getMessage());
        }
    }

    private ResolutionTrace finished(String address, List<ResolutionTrace.Step> steps, List<Candidate> untried,
            Lookup result) {
        return new ResolutionTrace(address, rules, settings.baseDn(), steps, untried, result);
    }

    // The server-side time limit, in whole seconds, is never below the client's response timeout.
    private int timeLimitSeconds() {
        long millis = settings.responseTimeout().toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
    }

    // qmail-ldap: never a lower-precedence candidate after more than one hit (§2.3).
    private static Lookup ambiguous(String address, Candidate candidate) {
        String reason = "ambiguous: more than one directory entry for " + candidate.address();
        log.warn("ldap: lookup of {} failed: {}", address, reason);
        return new Lookup.TempFail(reason, true);
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
