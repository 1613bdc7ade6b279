package org.dirmail.mta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dirmail directory}: tools for the directory; only {@code check} for now. */
@Command(name = "directory", mixinStandardHelpOptions = true,
        description = "Tools for the LDAP directory.",
        subcommands = {DirectoryCheckCommand.class})
final class DirectoryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'dirmail directory check'");
    }
}
