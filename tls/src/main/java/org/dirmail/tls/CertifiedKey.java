package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate chain (leaf first) with the private key of its leaf, checked to belong together. Holds a
 * private key; {@link #toString()} never shows it.
 */
record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {
    private static final Logger log = LoggerFactory.getLogger(CertifiedKey.class);

    CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /** Loads and cross-checks a chain and key; an expired certificate is accepted (see {@link #warnIfUnfit}). */
    static CertifiedKey load(Path certFile, Path keyFile, Optional<Path> passphraseFile)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemCertificates.readChain(certFile);
        PrivateKey key = PemKeyLoader.read(keyFile, passphraseFile);
        String keyAlgorithm = algorithm(key);
        if (!keyAlgorithm.equals("RSA") && !keyAlgorithm.equals("EC")) {
            throw new TlsMaterialException(keyFile, "unsupported key algorithm " + key.getAlgorithm()
                    + " (use RSA or EC)");
        }
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new TlsMaterialException(keyFile, "private key does not match the first certificate in "
                    + certFile + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new CertifiedKey(chain, key);
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** "RSA" or "EC": the key type JSSE asks a key manager for. */
    String keyType() {
        return algorithm(key);
    }

    /** SHA-256 over the leaf's DER encoding, as "AB:CD:...", the way openssl x509 -fingerprint -sha256 shows it. */
    String fingerprintSha256() {
        return fingerprintSha256(leaf());
    }

    static String fingerprintSha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder sb = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                if (sb.length() > 0) {
                    sb.append(':');
                }
                sb.append(String.format("%02X", b & 0xff));
            }
            return sb.toString();
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    boolean isCurrentlyValid() {
        try {
            leaf().checkValidity();
            return true;
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "CertifiedKey[" + leaf().getSubjectX500Principal().getName() + ", sha256=" + fingerprintSha256() + "]";
    }

    /** Logs at WARN what a client will complain about but a server should still serve: expiry, chain order. */
    void warnIfUnfit(Path certFile) {
        X509Certificate leaf = leaf();
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            log.warn("TLS certificate in {} expired on {} ({}); serving it anyway", certFile, leaf.getNotAfter(),
                    leaf.getSubjectX500Principal().getName());
        } catch (CertificateNotYetValidException e) {
            log.warn("TLS certificate in {} is not valid before {} ({}); serving it anyway", certFile,
                    leaf.getNotBefore(), leaf.getSubjectX500Principal().getName());
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                log.warn("TLS certificate chain in {} is not in order: certificate {} was not issued by the next one",
                        certFile, i + 1);
            }
        }
    }

    private static String algorithm(java.security.Key key) {
        // BouncyCastle names EC keys "ECDSA"; JSSE asks for "EC".
        return key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
    }

    /** RSA keys share a modulus with their certificate; EC keys prove it by signing and verifying a nonce. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        if (!algorithm(key).equals(algorithm(publicKey))) {
            return false;
        }
        if (key instanceof RSAKey && publicKey instanceof RSAKey) {
            return ((RSAKey) key).getModulus().equals(((RSAKey) publicKey).getModulus());
        }
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(nonce);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(nonce);
        return verifier.verify(signature);
    }
}
