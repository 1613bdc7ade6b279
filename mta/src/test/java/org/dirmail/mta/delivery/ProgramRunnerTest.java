package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real /bin/sh programs: qmail-command(8) exit codes, environment, input, output and the time limit. */
class ProgramRunnerTest {

    private static final byte[] MESSAGE = "Subject: hi\n\nbody\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final ProgramRunner runner = new ProgramRunner(Duration.ofSeconds(20));

    @ParameterizedTest
    @CsvSource({"0,DELIVERED", "99,DELIVERED_STOP", "100,FAILED", "64,FAILED", "111,DEFERRED", "1,DEFERRED",
        "2,DEFERRED"})
    void exitCodes(int code, ProgramRunner.Status status) {
        ProgramRunner.Result result = runner.run("exit " + code, MESSAGE, Map.of(), dir);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.exitCode()).isEqualTo(code);
    }

    @Test
    void theProgramReadsTheMessageInItsCleanEnvironmentInTheWorkingDirectory() throws Exception {
        ProgramRunner.Result result = runner.run("cat > got; env | sort > env; pwd > pwd", MESSAGE,
                Map.of("SENDER", "a@example.org", "RECIPIENT", "bob@example.com", "EXT", ""), dir);

        assertThat(result.status()).isEqualTo(ProgramRunner.Status.DELIVERED);
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(MESSAGE);
        String env = Files.readString(dir.resolve("env"));
        assertThat(env).contains("SENDER=a@example.org\n", "RECIPIENT=bob@example.com\n", "EXT=\n",
                "PATH=/usr/bin:/bin\n");
        // Nothing of the JVM's environment leaks in (sh itself adds PWD, SHLVL and _).
        assertThat(env.lines().map(line -> line.substring(0, line.indexOf('='))))
                .allMatch(name -> name.matches("SENDER|RECIPIENT|EXT|PATH|PWD|SHLVL|_|OLDPWD"));
        assertThat(Files.readString(dir.resolve("pwd")).strip()).isEqualTo(dir.toRealPath().toString());
    }

    @Test
    void outputIsCapturedBoundedAndMadePrintable() {
        ProgramRunner.Result result = runner.run("printf 'no such user\\033[31m\\n' >&2; head -c 5000 /dev/zero | tr '\\0' x;"
                + " exit 100", MESSAGE, Map.of(), dir);

        assertThat(result.status()).isEqualTo(ProgramRunner.Status.FAILED);
        assertThat(result.output()).startsWith("no such user?[31m x").hasSizeLessThanOrEqualTo(ProgramRunner.OUTPUT_LIMIT);
        assertThat(result.detail()).startsWith("program exited 100: no such user");
    }

    @Test
    void aProgramThatIgnoresItsInputStillCounts() {
        byte[] big = new byte[1 << 20];
        assertThat(runner.run("exit 0", big, Map.of(), dir).status()).isEqualTo(ProgramRunner.Status.DELIVERED);
    }

    @Test
    void aProgramOverTheTimeLimitIsKilledWithItsChildrenAndDeferred() throws Exception {
        ProgramRunner quick = new ProgramRunner(Duration.ofMillis(500));
        long start = System.nanoTime();

        ProgramRunner.Result result = quick.run("sleep 30 & echo $! > child; echo started; wait", MESSAGE, Map.of(), dir);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.status()).isEqualTo(ProgramRunner.Status.DEFERRED);
        assertThat(result.detail()).contains("timed out").contains("started");
        long child = Long.parseLong(Files.readString(dir.resolve("child")).strip());
        Thread.sleep(200);
        assertThat(running(child)).as("the background child was killed").isFalse();
    }

    // A killed child of a killed shell may stay a zombie where PID 1 does not reap: that is not running.
    private static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text = Files.readString(stat);
        return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    }
}
