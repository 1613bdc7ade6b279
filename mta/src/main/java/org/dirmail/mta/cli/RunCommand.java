package org.dirmail.mta.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.server.DirmailServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dirmail run}: runs the server in the foreground until SIGTERM/SIGINT; SIGHUP reloads. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the mail server in the foreground (the embedded default without --config).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        DirmailConfig config = options.load();
        DirmailServer server;
        try {
            server = DirmailServer.start(config, options.source());
        } catch (Exception e) {
            System.err.println("dirmail: cannot start: " + e.getMessage());
            return 1;
        }
        ReloadSignal.install(server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
