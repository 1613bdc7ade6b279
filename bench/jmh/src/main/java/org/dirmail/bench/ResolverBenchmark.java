package org.dirmail.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.LdapSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RCPT-time lookup as the server makes it: {@link LdapRecipientResolver} over the pooled
 * client, against the embedded ApacheDS with the sample users, over loopback. One caller at a
 * time, so the figure is the latency of one resolution, client and server CPU together. The
 * unknown address walks every qmail-ldap candidate (exact, dash catch-alls, catchall@domain).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchMessages.QUIET_LOGS)
public class ResolverBenchmark {

    private Path instance;
    private EmbeddedDirectory directory;
    private LdapDirectory ldap;
    private LdapRecipientResolver resolver;

    @Setup(Level.Trial)
    public void start() throws IOException {
        instance = TempDirs.create("dirmail-bench-ldap");
        directory = EmbeddedDirectory.start(instance, "127.0.0.1", 0);
        ldap = LdapDirectory.open(LdapSettings.defaults(List.of(directory.ldapUrl()), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword(), EmbeddedDirectory.BASE_DN));
        resolver = new LdapRecipientResolver(ldap);
        expect("alice@example.com", Lookup.Found.class);
        expect("nobody@example.com", Lookup.NotFound.class);
        expect("alice+news@example.com", Lookup.Found.class);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (ldap != null) {
            ldap.close();
        }
        if (directory != null) {
            directory.close();
        }
        TempDirs.delete(instance);
    }

    /** An existing user by its mail attribute: one search. */
    @Benchmark
    public Lookup existing() {
        return resolve("alice@example.com");
    }

    /** No such user: every candidate is searched before NotFound. */
    @Benchmark
    public Lookup unknown() {
        return resolve("nobody@example.com");
    }

    /** A {@code +ext} address: the exact search misses, the one without the extension hits. */
    @Benchmark
    public Lookup extension() {
        return resolve("alice+news@example.com");
    }

    private Lookup resolve(String address) {
        return resolver.resolve(address).toCompletableFuture().join();
    }

    /** A benchmark that measured TempFail answers would measure timeouts: refuse to start. */
    private void expect(String address, Class<? extends Lookup> kind) {
        Lookup answer = resolver.resolve(address).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        if (!kind.isInstance(answer)) {
            throw new IllegalStateException(address + ": expected " + kind.getSimpleName() + ", got " + answer);
        }
    }
}
