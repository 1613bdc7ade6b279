package org.dirmail.mta.config;

/** A configuration that cannot be used; the message names the file, line and key. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
