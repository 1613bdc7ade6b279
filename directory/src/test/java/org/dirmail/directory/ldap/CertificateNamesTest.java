package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** RFC 6125 name checks on the directory's certificate, loopback included. */
class CertificateNamesTest {

    @Test
    void dnsNamesMatchExactlyIgnoringCaseAndATrailingDot() throws Exception {
        X509Certificate cert = certificate("CN=ignored", new GeneralName(GeneralName.dNSName, "LDAP1.corp.example"));

        assertThat(CertificateNames.matches(cert, "ldap1.corp.example")).isTrue();
        assertThat(CertificateNames.matches(cert, "ldap1.corp.example.")).isTrue();
        assertThat(CertificateNames.matches(cert, "ldap2.corp.example")).isFalse();
        assertThat(CertificateNames.matches(cert, "ignored")).as("no CN fallback beside a dNSName").isFalse();
    }

    @Test
    void aWildcardCoversExactlyOneLeftmostLabel() throws Exception {
        X509Certificate cert = certificate("CN=x", new GeneralName(GeneralName.dNSName, "*.corp.example"),
                new GeneralName(GeneralName.dNSName, "*.com"));

        assertThat(CertificateNames.matches(cert, "ldap1.corp.example")).isTrue();
        assertThat(CertificateNames.matches(cert, "corp.example")).isFalse();
        assertThat(CertificateNames.matches(cert, "a.ldap1.corp.example")).isFalse();
        assertThat(CertificateNames.matches(cert, "example.com")).as("*.com is never honoured").isFalse();
    }

    @Test
    void ipLiteralsNeedAnIpAddressSanEvenOnLoopback() throws Exception {
        X509Certificate named = certificate("CN=127.0.0.1", new GeneralName(GeneralName.dNSName, "localhost"));
        X509Certificate addressed = certificate("CN=x", new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"));

        assertThat(CertificateNames.matches(named, "127.0.0.1")).isFalse();
        assertThat(CertificateNames.matches(addressed, "127.0.0.1")).isTrue();
        assertThat(CertificateNames.matches(addressed, "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(CertificateNames.matches(addressed, "127.0.0.2")).isFalse();
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsNames() throws Exception {
        assertThat(CertificateNames.matches(certificate("CN=ldap.corp.example"), "ldap.corp.example")).isTrue();
        assertThat(CertificateNames.matches(certificate("CN=ldap.corp.example"), "other.corp.example")).isFalse();
    }

    private static X509Certificate certificate(String subject, GeneralName... sans) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(subject), BigInteger.ONE,
                Date.from(now), Date.from(now.plusSeconds(3600)), new X500Name(subject), keys.getPublic());
        if (sans.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }
}
