package org.dirmail.directory.auth;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.MailUserMapper;
import org.dirmail.directory.ldap.QmailFilters;
import org.dirmail.schema.QmailAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks logins live against the directory, qmail-ldap style (qmail-ldap.md §5.5, §9): find the
 * one entry for the login, verify the password by a bind as that entry or by comparing
 * {@code userPassword} here, then require an active {@code accountStatus}. Security-sensitive:
 * login and password come from the network and reach LDAP only as an assertion value and a bind
 * credential; the password is never logged. Thread-safe.
 */
public final class LdapAuthenticator implements Authenticator {

    private static final Logger log = LoggerFactory.getLogger(LdapAuthenticator.class);

    static final int MAX_LOGIN_LENGTH = 256;
    // No real password is this long; the cap bounds the work SHA-crypt does per attempt.
    static final int MAX_PASSWORD_LENGTH = 1024;
    // Two is enough to tell "exactly one" from "more than one".
    private static final int SIZE_LIMIT = 2;
    private static final String USER_PASSWORD = "userPassword";

    private final LdapDirectory lookups;
    private final LdapDirectory binds;
    private final AuthMethod method;
    private final LoginLookup loginLookup;
    private final LdapSettings settings;
    private final String[] attributes;

    /**
     * @param lookups     the pool that searches (bound as a service DN; for COMPARE it must be
     *                    allowed to read {@code userPassword})
     * @param binds       a separate pool to the same servers, used only for binds as users;
     *                    may be null with {@link AuthMethod#COMPARE}
     * @param method      how the password is verified
     * @param loginLookup how the login becomes a filter
     */
    public LdapAuthenticator(LdapDirectory lookups, LdapDirectory binds, AuthMethod method, LoginLookup loginLookup) {
        this.lookups = Objects.requireNonNull(lookups, "lookups");
        this.method = Objects.requireNonNull(method, "method");
        this.loginLookup = Objects.requireNonNull(loginLookup, "loginLookup");
        if (method == AuthMethod.BIND && binds == null) {
            throw new IllegalArgumentException("auth method BIND needs a separate LDAP pool for binds");
        }
        this.binds = binds;
        this.settings = lookups.settings();
        this.attributes = attributes(method);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String login, String password) {
        String refusal = refusal(login, password);
        if (refusal != null) {
            return CompletableFuture.<AuthResult>completedFuture(logged(login, new AuthResult.Failure(refusal)))
                    .minimalCompletionStage();
        }
        try {
            return lookups.submit(ldap -> find(ldap, login, password))
                    .thenCompose(step -> step.toBind() == null
                            ? CompletableFuture.completedFuture(step.result())
                            : binds.submit(ldap -> bind(ldap, step.toBind(), password)))
                    .exceptionally(e -> new AuthResult.TempFail(reasonFor(e)))
                    .thenApply(result -> logged(login, result))
                    .minimalCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.<AuthResult>completedFuture(logged(login, new AuthResult.TempFail(reasonFor(e))))
                    .minimalCompletionStage();
        }
    }

    /**
     * Why an attempt is refused before any LDAP traffic, or null. An empty password matters most:
     * a simple bind with a DN and no password is an unauthenticated bind and "succeeds" (RFC 4513
     * 5.1.2). Control and format characters never belong in a login, and LDAP string preparation
     * may delete them before matching (RFC 4518 2.2).
     */
    static String refusal(String login, String password) {
        if (login == null || login.isEmpty()) {
            return "empty login";
        }
        if (password == null || password.isEmpty()) {
            return "empty password";
        }
        if (login.length() > MAX_LOGIN_LENGTH) {
            return "login longer than " + MAX_LOGIN_LENGTH;
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            return "password longer than " + MAX_PASSWORD_LENGTH;
        }
        if (login.chars().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            return "control or format character in login";
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            return "control character in password";
        }
        return null;
    }

    // Either a final result, or the entry whose DN the binds pool must try.
    private record Step(AuthResult result, SearchResultEntry toBind) {
    }

    private Step find(LDAPInterface ldap, String login, String password) {
        Filter filter = filter(login);
        SearchRequest request = new SearchRequest(settings.baseDn(), SearchScope.SUB,
                DereferencePolicy.NEVER, SIZE_LIMIT, timeLimitSeconds(), false, filter, attributes);
        request.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        SearchResult result;
        try {
            result = ldap.search(request);
        } catch (LDAPSearchException e) {
            ResultCode code = e.getResultCode();
            if (code == ResultCode.NO_SUCH_OBJECT) {
                log.warn("auth: base DN \"{}\" does not exist; every login fails", settings.baseDn());
                return done(new AuthResult.Failure("no such user (base DN missing)"));
            }
            if (code == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return done(new AuthResult.TempFail("ambiguous: more than one entry"));
            }
            return done(new AuthResult.TempFail("directory error: " + code.getName()));
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() > 1) {
            return done(new AuthResult.TempFail("ambiguous: more than one entry"));
        }
        if (entries.isEmpty()) {
            return done(result.getReferenceCount() > 0
                    ? new AuthResult.TempFail("directory returned a referral")
                    : new AuthResult.Failure("no such user"));
        }
        SearchResultEntry entry = entries.get(0);
        if (method == AuthMethod.BIND) {
            return new Step(null, entry);
        }
        // The hash is computed here, on the directory thread, never on the caller's.
        return done(comparePassword(entry, password) ? admit(entry) : new AuthResult.Failure("wrong password"));
    }

    private Filter filter(String login) {
        boolean byMail = loginLookup == LoginLookup.MAIL
                || (loginLookup == LoginLookup.AUTO && login.indexOf('@') >= 0);
        return byMail
                ? QmailFilters.recipient(login, settings.objectClass())
                : QmailFilters.login(login, settings.objectClass());
    }

    // Any one of several userPassword values may match, as with a bind.
    private static boolean comparePassword(SearchResultEntry entry, String password) {
        Attribute stored = entry.getAttribute(USER_PASSWORD);
        if (stored == null) {
            return false;
        }
        boolean match = false;
        for (byte[] value : stored.getValueByteArrays()) {
            match |= PasswordHashes.matches(value, password);
        }
        return match;
    }

    // bindAndRevertAuthentication re-binds the connection as the pool's own identity afterwards,
    // on success and failure alike, so no connection stays bound as a user.
    private AuthResult bind(LDAPInterface ldap, SearchResultEntry entry, String password) {
        if (!(ldap instanceof LDAPConnectionPool pool)) {
            return new AuthResult.TempFail("bind pool is not a connection pool");
        }
        SimpleBindRequest request = new SimpleBindRequest(entry.getDN(), password);
        request.setResponseTimeoutMillis(binds.settings().responseTimeout().toMillis());
        try {
            pool.bindAndRevertAuthentication(request);
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                return new AuthResult.Failure("wrong password");
            }
            return new AuthResult.TempFail("directory error on bind: " + e.getResultCode().getName());
        }
        return admit(entry);
    }

    // Runs only after the password was verified, so a refused status tells nobody without the
    // password that the account exists; the entry is parsed only then for the same reason.
    private static AuthResult admit(SearchResultEntry entry) {
        MailUser user;
        try {
            user = MailUserMapper.map(entry);
        } catch (MailUserMapper.InvalidEntryException e) {
            return new AuthResult.TempFail(e.getMessage());
        }
        if (user.accountStatus() != AccountStatus.ACTIVE) {
            return new AuthResult.Failure("account " + user.accountStatus().name().toLowerCase(Locale.ROOT));
        }
        return new AuthResult.Success(user, addresses(entry));
    }

    private static List<String> addresses(SearchResultEntry entry) {
        Set<String> addresses = new LinkedHashSet<>();
        for (String name : List.of(QmailAttributes.MAIL, QmailAttributes.MAIL_ALTERNATE_ADDRESS)) {
            String[] values = entry.getAttributeValues(name);
            if (values != null) {
                for (String value : values) {
                    addresses.add(value.toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(addresses);
    }

    private static String[] attributes(AuthMethod method) {
        Set<String> names = new LinkedHashSet<>(List.of(MailUserMapper.attributes()));
        names.add(QmailAttributes.MAIL);
        names.add(QmailAttributes.MAIL_ALTERNATE_ADDRESS);
        if (method == AuthMethod.COMPARE) {
            names.add(USER_PASSWORD);
        }
        return names.toArray(new String[0]);
    }

    // The server-side time limit, in whole seconds, is never below the client's response timeout.
    private int timeLimitSeconds() {
        long millis = settings.responseTimeout().toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
    }

    private static Step done(AuthResult result) {
        return new Step(result, null);
    }

    private static String reasonFor(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RejectedExecutionException) {
            return "directory busy or closed: attempt not queued";
        }
        log.warn("auth: unexpected failure", cause);
        return "directory error: " + cause.getClass().getSimpleName();
    }

    private static AuthResult logged(String login, AuthResult result) {
        String shown = printable(login);
        if (result instanceof AuthResult.Success success) {
            log.info("auth: login={} result=success ({})", shown, success.user().dn());
        } else if (result instanceof AuthResult.Failure failure) {
            log.info("auth: login={} result=failure ({})", shown, failure.logReason());
        } else {
            log.info("auth: login={} result=tempfail ({})", shown, ((AuthResult.TempFail) result).reason());
        }
        return result;
    }

    // The login is client data: escape what could forge or break a log line, and cap its length.
    private static String printable(String login) {
        if (login == null) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder();
        login.codePoints().limit(MAX_LOGIN_LENGTH).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return login.codePointCount(0, login.length()) > MAX_LOGIN_LENGTH ? out + "..." : out.toString();
    }
}
