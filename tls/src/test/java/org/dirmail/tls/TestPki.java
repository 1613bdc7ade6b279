package org.dirmail.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Builds throw-away keys and certificates for tests and writes them in every PEM flavour OpenSSL produces. */
final class TestPki {
    private static final Provider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A certificate for {@code subjectKey}, signed by {@code issuerKey} (self-signed when they are the same). */
    static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
                                       boolean ca, Instant notBefore, Instant notAfter, String... dnsNames)
            throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + subject), subjectKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (dnsNames.length > 0) {
            GeneralName[] names = new GeneralName[dnsNames.length];
            for (int i = 0; i < dnsNames.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        String algorithm = issuerKey.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate())));
    }

    /** A self-signed leaf for {@code name}, valid from an hour ago for a year. */
    static X509Certificate selfSigned(String name, KeyPair key) throws Exception {
        Instant now = Instant.now();
        return certificate(name, key, name, key, false, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)),
                name);
    }

    static Path writeCertificates(Path file, List<X509Certificate> chain) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        }
        return write(file, out.toString());
    }

    /** "BEGIN PRIVATE KEY". */
    static Path writePkcs8(Path file, PrivateKey key) throws Exception {
        return writePem(file, new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY", as openssl genrsa / ecparam -genkey write them. */
    static Path writeTraditional(Path file, KeyPair key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(traditional(key));
        }
        return write(file, out.toString());
    }

    /** "BEGIN ENCRYPTED PRIVATE KEY": PBES2 with AES-256-CBC, as openssl pkcs8 -topk8 -v2 aes256 writes it. */
    static Path writeEncryptedPkcs8(Path file, PrivateKey key, String passphrase) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setPassword(passphrase.toCharArray()).build()));
        }
        return write(file, out.toString());
    }

    /** "Proc-Type: 4,ENCRYPTED" over a PKCS#1 or SEC1 key, as openssl rsa -aes256 -traditional writes it. */
    static Path writeLegacyEncrypted(Path file, KeyPair key, String passphrase) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaMiscPEMGenerator(traditional(key), new JcePEMEncryptorBuilder("AES-256-CBC")
                    .setProvider(BC).build(passphrase.toCharArray())));
        }
        return write(file, out.toString());
    }

    /**
     * The key as PKCS#8 whose inner structure is what the traditional PEM block holds. For EC, the JDK's encoding
     * keeps the curve only in the outer algorithm identifier; OpenSSL's SEC1 repeats it (and the public key) inside.
     */
    private static PrivateKeyInfo traditional(KeyPair key) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getPrivate().getEncoded());
        if (!(key.getPrivate() instanceof java.security.interfaces.ECPrivateKey)) {
            return info;
        }
        java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key.getPrivate();
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        ECPrivateKey sec1 = new ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                publicKey.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
        return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), sec1);
    }

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    private static Path writePem(Path file, PemObject object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return write(file, out.toString());
    }
}
