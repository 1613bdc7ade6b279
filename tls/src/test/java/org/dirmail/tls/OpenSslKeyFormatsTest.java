package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and certificates written by the real {@code openssl} command, as administrators bring them; skipped where
 * openssl is not installed. Each key is loaded against a certificate made from the unencrypted original.
 */
class OpenSslKeyFormatsTest {
    @TempDir
    static Path dir;

    private static Path passphrase;

    @BeforeAll
    static void opensslIsInstalled() throws Exception {
        assumeTrue(openssl("version"), "openssl not installed");
        passphrase = TestPki.write(dir.resolve("pass"), "correct horse\n");
        assertThat(openssl("genrsa", "-traditional", "-out", path("rsa.key"), "2048")).isTrue();
        assertThat(openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", path("ec.key"))).isTrue();
        for (String key : List.of("rsa", "ec")) {
            assertThat(openssl("req", "-x509", "-new", "-key", path(key + ".key"), "-subj", "/CN=" + key + ".example.org",
                    "-days", "2", "-out", path(key + ".crt"))).isTrue();
        }
    }

    @Test
    void pkcs1AndSec1WithItsParametersBlock() throws Exception {
        assertThat(dir.resolve("rsa.key")).content().startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(dir.resolve("ec.key")).content().startsWith("-----BEGIN EC PARAMETERS-----");

        assertLoads("rsa", "rsa.key");
        assertLoads("ec", "ec.key");
    }

    @Test
    void plainPkcs8() throws Exception {
        assertThat(openssl("pkcs8", "-topk8", "-nocrypt", "-in", path("ec.key"), "-out", path("ec-p8.key"))).isTrue();

        assertLoads("ec", "ec-p8.key");
    }

    @Test
    void encryptedPkcs8WithPbes2AesScryptAndLegacyPbe() throws Exception {
        List<List<String>> schemes = List.of(List.of("-v2", "aes256"), List.of("-v2", "des3"), List.of("-scrypt"),
                List.of("-v1", "PBE-SHA1-3DES"), List.of("-v2", "aes128", "-v2prf", "hmacWithSHA512"));
        for (int i = 0; i < schemes.size(); i++) {
            String out = "rsa-p8-" + i + ".key";
            List<String> args = new ArrayList<>(List.of("pkcs8", "-topk8", "-in", path("rsa.key"), "-out", path(out),
                    "-passout", "pass:correct horse"));
            args.addAll(schemes.get(i));
            assertThat(openssl(args.toArray(new String[0]))).as("openssl %s", args).isTrue();
            assertThat(dir.resolve(out)).content().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

            assertLoads("rsa", out);
        }
    }

    @Test
    void legacyProcTypeEncryptedRsaAndEc() throws Exception {
        assertThat(openssl("rsa", "-in", path("rsa.key"), "-traditional", "-aes256", "-passout", "pass:correct horse",
                "-out", path("rsa-legacy.key"))).isTrue();
        assertThat(openssl("ec", "-in", path("ec.key"), "-des3", "-passout", "pass:correct horse",
                "-out", path("ec-legacy.key"))).isTrue();
        assertThat(dir.resolve("rsa-legacy.key")).content().contains("Proc-Type: 4,ENCRYPTED");

        assertLoads("rsa", "rsa-legacy.key");
        assertLoads("ec", "ec-legacy.key");
    }

    @Test
    void aWrongPassphraseOnAnOpenSslKeyIsReported() throws Exception {
        assertThat(openssl("pkcs8", "-topk8", "-in", path("ec.key"), "-out", path("ec-wrong.key"),
                "-passout", "pass:something else", "-v2", "aes256")).isTrue();

        assertThatThrownBy(() -> assertLoads("ec", "ec-wrong.key"))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("wrong passphrase");
    }

    private static void assertLoads(String cert, String key) throws Exception {
        CertifiedKey loaded = CertifiedKey.load(dir.resolve(cert + ".crt"), dir.resolve(key), Optional.of(passphrase));
        assertThat(loaded.keyType()).isEqualTo(cert.toUpperCase());
    }

    private static String path(String name) {
        return dir.resolve(name).toString();
    }

    private static boolean openssl(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
