package org.dirmail.mta.config;

/** A listener or server address from the configuration; port 0 means "any free port". */
public record HostPort(String host, int port) {

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
