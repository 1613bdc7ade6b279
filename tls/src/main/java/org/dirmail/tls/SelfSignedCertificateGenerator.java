package org.dirmail.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, on first start, the self-signed certificate a server without a configured one uses, and reuses it
 * afterwards. Holds a freshly generated private key and writes it owner-only; trusts the directory it is given.
 *
 * <p>The key is EC P-256: it is generated in milliseconds (RSA 2048 can take a second), every TLS 1.2/1.3
 * client supports ECDSA, and the Mozilla "intermediate" list has ECDHE-ECDSA suites for TLS 1.2.
 */
final class SelfSignedCertificateGenerator {
    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";
    static final Duration VALIDITY = Duration.ofDays(730);

    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificateGenerator.class);
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private SelfSignedCertificateGenerator() {
    }

    /**
     * The certificate under {@code dir} if it is usable, unexpired and names {@code hostname}; otherwise a new
     * one, written to {@code dir/cert.pem} and {@code dir/key.pem}.
     */
    static CertifiedKey loadOrCreate(Path dir, String hostname) throws IOException, GeneralSecurityException {
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            String reason = null;
            try {
                CertifiedKey existing = CertifiedKey.load(certFile, keyFile, Optional.empty());
                if (!existing.isCurrentlyValid()) {
                    reason = "it has expired";
                } else if (!names(existing.leaf(), hostname)) {
                    reason = "it does not name " + hostname;
                } else {
                    log.info("Using self-signed TLS certificate {} for {}, SHA-256 fingerprint {}", certFile, hostname,
                            existing.fingerprintSha256());
                    return existing;
                }
            } catch (IOException | GeneralSecurityException e) {
                reason = "it cannot be used: " + e.getMessage();
            }
            log.warn("Replacing self-signed TLS certificate {} because {}", certFile, reason);
        }
        CertifiedKey created = generate(hostname, Instant.now());
        SecureFiles.createPrivateDirectory(dir);
        // Key first: a crash in between leaves a key without a certificate, which the next start replaces.
        SecureFiles.writeAtomically(keyFile, pem("PRIVATE KEY", created.key().getEncoded()));
        SecureFiles.writeAtomically(certFile, pem("CERTIFICATE", created.leaf().getEncoded()));
        log.info("Generated self-signed TLS certificate {} for {}, valid until {}, SHA-256 fingerprint {}", certFile,
                hostname, created.leaf().getNotAfter().toInstant(), created.fingerprintSha256());
        return created;
    }

    /** A new EC P-256 key and a certificate for {@code hostname}, localhost, 127.0.0.1 and ::1. */
    static CertifiedKey generate(String hostname, Instant now) throws GeneralSecurityException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();

        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, hostname)
                .addRDN(BCStyle.O, "dirmail self-signed")
                .build();
        // Positive 127-bit serial: RFC 5280 4.1.2.2 wants it unique and at most 20 octets.
        BigInteger serial = new BigInteger(127, new SecureRandom());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                Date.from(now.minus(Duration.ofHours(1))), // tolerate clients whose clocks run a little behind
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        try {
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostname))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new CertifiedKey(List.of(certificate), pair.getPrivate());
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build self-signed certificate for " + hostname, e);
        }
    }

    private static GeneralNames subjectAltNames(String hostname) {
        Set<String> dnsNames = new LinkedHashSet<>();
        List<GeneralName> names = new ArrayList<>();
        if (IPAddress.isValid(hostname)) {
            names.add(new GeneralName(GeneralName.iPAddress, hostname));
        } else {
            dnsNames.add(hostname.toLowerCase(Locale.ROOT));
        }
        dnsNames.add("localhost");
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : List.of("127.0.0.1", "::1")) {
            if (!ip.equals(hostname)) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    /** Whether the certificate's SANs contain {@code hostname} (as a DNS name or, for a literal, an address). */
    private static boolean names(X509Certificate certificate, String hostname)
            throws CertificateParsingException, IOException {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        boolean literal = IPAddress.isValid(hostname);
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = (String) san.get(1);
            if (!literal && type == SAN_DNS && value.equalsIgnoreCase(hostname)) {
                return true;
            }
            // getByName does no DNS lookup for a literal; it only normalises "::1" against "0:0:0:0:0:0:0:1".
            if (literal && type == SAN_IP && InetAddress.getByName(value).equals(InetAddress.getByName(hostname))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
