package org.dirmail.directory.lint;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultListener;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.util.function.Consumer;

/**
 * A subtree search in pages of {@value #PAGE_SIZE} (RFC 2696 simple paged results), each entry
 * handed to a consumer as it arrives so no page is held in memory. The cookie belongs to one
 * connection, so the caller must give it a directory with a single connection.
 */
final class PagedScan {

    /** Entries per page: below every common server size limit (ApacheDS and AD: 1000). */
    static final int PAGE_SIZE = 500;

    private PagedScan() {
    }

    /** Streams every entry under {@code base} matching {@code filter}, with only {@code attributes}. */
    static void scan(LDAPInterface ldap, String base, Filter filter, String[] attributes,
            Consumer<SearchResultEntry> entries) throws LDAPException {
        SearchResultListener listener = new SearchResultListener() {
            private static final long serialVersionUID = 1L;

            @Override
            public void searchEntryReturned(SearchResultEntry entry) {
                entries.accept(entry);
            }

            @Override
            public void searchReferenceReturned(SearchResultReference reference) {
                // Referrals are not followed: the check covers the directory it was pointed at.
            }
        };
        ASN1OctetString cookie = null;
        do {
            SearchRequest request = new SearchRequest(listener, base, SearchScope.SUB, filter, attributes);
            // Critical: a server that cannot page must refuse rather than silently truncate at its size limit.
            request.setControls(new SimplePagedResultsControl(PAGE_SIZE, cookie, true));
            SearchResult result = ldap.search(request);
            SimplePagedResultsControl response = SimplePagedResultsControl.get(result);
            cookie = response == null ? null : response.getCookie();
        } while (cookie != null && cookie.getValueLength() > 0);
    }
}
