package org.dirmail.directory.ldap;

import com.unboundid.util.args.IPAddressArgumentValueValidator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a server certificate names the host dirmail connected to (RFC 6125 6.4): an IP literal
 * must equal an iPAddress SAN, a host name a dNSName SAN (a wildcard only as the whole leftmost
 * label), or the CN when there is no dNSName SAN. Unlike UnboundID's verifier it makes no
 * exception for loopback addresses. Reads the certificate only; does no DNS lookups.
 */
final class CertificateNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertificateNames() {
    }

    /** True when {@code certificate} is valid for {@code host} (a DNS name or an IP literal). */
    static boolean matches(X509Certificate certificate, String host) {
        List<String> dnsNames = new ArrayList<>();
        List<String> ipAddresses = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == SAN_DNS) {
                        dnsNames.add((String) san.get(1));
                    } else if (type == SAN_IP) {
                        ipAddresses.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException | ClassCastException e) {
            return false;
        }
        if (IPAddressArgumentValueValidator.isValidNumericIPAddress(host)) {
            return ipAddresses.stream().anyMatch(ip -> sameAddress(ip, host));
        }
        String name = normalise(host);
        if (dnsNames.isEmpty()) {
            return commonNames(certificate).stream().anyMatch(cn -> dnsMatches(normalise(cn), name));
        }
        return dnsNames.stream().anyMatch(dns -> dnsMatches(normalise(dns), name));
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return pattern.equals(host);
        }
        String rest = pattern.substring(1);
        int dot = host.indexOf('.');
        // "*.example.com" covers one label: not "example.com", not "a.b.example.com", never "*.com".
        return dot > 0 && host.substring(dot).equals(rest) && rest.indexOf('.', 1) > 0;
    }

    private static boolean sameAddress(String san, String host) {
        try {
            // Both are literals: getByName only parses them.
            return IPAddressArgumentValueValidator.isValidNumericIPAddress(san)
                    && InetAddress.getByName(san).equals(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> commonNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String) {
                    names.add((String) rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return names;
    }

    private static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
