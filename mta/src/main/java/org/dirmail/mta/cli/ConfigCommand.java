package org.dirmail.mta.cli;

import java.util.concurrent.Callable;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.config.DirmailConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dirmail config}: prints the effective configuration, like {@code postconf}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration (every key, defaults included).")
final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws ConfigException {
        DirmailConfig config = options.load();
        config.effective().forEach((k, v) -> System.out.println(k + " = " + v));
        return 0;
    }
}
