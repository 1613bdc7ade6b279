package org.dirmail.mta.cli;

import org.dirmail.mta.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dirmail} command line: the entry point of the runnable jar behind {@code bin/dirmail}. */
@Command(name = "dirmail",
        mixinStandardHelpOptions = true,
        versionProvider = DirmailCommand.Version.class,
        description = "A mail transfer agent whose every routing decision is resolved live against LDAP.",
        subcommands = {RunCommand.class, LookupCommand.class, ConfigCommand.class, QueueCommand.class,
                SendmailCommand.class, DirectoryCommand.class, ReloadCommand.class})
public final class DirmailCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'dirmail --help'");
    }

    public static void main(String[] args) {
        // Only the server logs its work; tools print their answer and log warnings only.
        // Set before the first logger exists (logback.xml reads it).
        if (args.length == 0 || !args[0].equals("run")) {
            System.setProperty("dirmail.log.level", "WARN");
        }
        CommandLine cli = new CommandLine(new DirmailCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("dirmail: " + e.getMessage());
                return 2; // a usage problem, like a bad option
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    /** The version from the jar manifest (set by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DirmailCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dirmail " + (v == null ? "(development build)" : v)};
        }
    }
}
