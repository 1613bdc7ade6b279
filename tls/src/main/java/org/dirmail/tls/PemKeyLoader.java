package org.dirmail.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Arrays;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Reads a PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC, encrypted PKCS#8, legacy OpenSSL-encrypted) and its
 * passphrase file. Holds private keys and passphrases: neither ever appears in a message or a log line.
 */
final class PemKeyLoader {
    // BouncyCastle decrypts (it knows every scheme OpenSSL writes, scrypt included); not registered globally.
    private static final Provider BC = new BouncyCastleProvider();

    private PemKeyLoader() {
    }

    /** The first private key in {@code keyFile}, decrypted with the first line of {@code passphraseFile} if needed. */
    static PrivateKey read(Path keyFile, Optional<Path> passphraseFile) throws IOException, TlsMaterialException {
        // No provider on the converter: the JDK's KeyFactory builds keys JSSE signs with natively.
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : PemFiles.readAll(keyFile, "key")) {
            try {
                if (o instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) o);
                }
                if (o instanceof PEMKeyPair) {
                    // Only the private half: SEC1 makes the public key optional and some writers leave it out.
                    return converter.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new TlsMaterialException(keyFile, "unusable private key: " + e.getMessage(), e);
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                char[] passphrase = passphrase(keyFile, passphraseFile);
                try {
                    // Not JceOpenSSLPKCS8DecryptorProviderBuilder: it fails on "openssl pkcs8 -scrypt" keys.
                    PrivateKeyInfo info = ((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                            new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BC).build(passphrase));
                    return converter.getPrivateKey(info);
                } catch (Exception e) {
                    // A wrong passphrase shows up as a padding error or, rarely, as garbage ASN.1: same advice.
                    throw wrongPassphrase(keyFile, passphraseFile, e);
                } finally {
                    Arrays.fill(passphrase, '\0');
                }
            }
            if (o instanceof PEMEncryptedKeyPair) {
                char[] passphrase = passphrase(keyFile, passphraseFile);
                try {
                    PEMKeyPair pair = ((PEMEncryptedKeyPair) o).decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(BC).build(passphrase));
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                } catch (Exception e) {
                    throw wrongPassphrase(keyFile, passphraseFile, e);
                } finally {
                    Arrays.fill(passphrase, '\0');
                }
            }
        }
        throw new TlsMaterialException(keyFile, "no private key found (expected -----BEGIN PRIVATE KEY-----, "
                + "RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
    }

    private static char[] passphrase(Path keyFile, Optional<Path> passphraseFile)
            throws IOException, TlsMaterialException {
        if (passphraseFile.isEmpty()) {
            throw new TlsMaterialException(keyFile, "private key is encrypted but no passphrase file is configured");
        }
        Path file = passphraseFile.get();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null || line.isEmpty()) {
                throw new TlsMaterialException(file, "passphrase file is empty");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "TLS key passphrase file not found");
        }
    }

    private static TlsMaterialException wrongPassphrase(Path keyFile, Optional<Path> passphraseFile, Exception e) {
        // The cause's message is kept for diagnosis; BouncyCastle never puts the passphrase in it.
        return new TlsMaterialException(keyFile, "cannot decrypt private key: wrong passphrase in "
                + passphraseFile.orElseThrow() + " or corrupt key (" + e.getMessage() + ")", e);
    }
}
