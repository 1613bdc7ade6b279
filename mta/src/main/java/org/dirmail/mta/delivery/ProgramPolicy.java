package org.dirmail.mta.delivery;

import java.time.Duration;

/**
 * Whether delivery may run programs at all ({@code allow_programs}) and for how long one may run
 * ({@code program_timeout}). Off by default: dirmail cannot switch users, so every program runs
 * with the dirmail user's rights.
 *
 * @param allowed deliveryProgramPath values and {@code |} lines in {@code .qmail} files may run
 * @param timeout a program still running after this is killed with its children, and the delivery deferred
 */
public record ProgramPolicy(boolean allowed, Duration timeout) {

    /** Postfix's command_time_limit. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1000);

    /** No programs. */
    public static final ProgramPolicy OFF = new ProgramPolicy(false, DEFAULT_TIMEOUT);
}
