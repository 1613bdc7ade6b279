package org.dirmail.mta.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.dirmail.mta.pop3.Pop3ProxySettings;

/**
 * This node's place in a qmail-ldap cluster (qmail-ldap.md §6): the names it answers to in
 * {@code mailHost}, where mail for users on other nodes is relayed, and how POP3 logins of users on other nodes are proxied.
 *
 * @param nodeNames       {@code hostname} plus {@code cluster_hosts}, lower case: a user whose
 *                        {@code mailHost} is empty or one of these has the mailbox here
 * @param smtpPort        the SMTP port of the other nodes, where mail for their users is relayed
 * @param pop3Proxy       proxy POP3 logins for users on other nodes; else refuse them (SYS/TEMP)
 * @param pop3ProxyPort   the POP3 port of the other nodes
 * @param pop3ProxyTls    when the proxy uses STLS towards the other node
 * @param pop3ProxyCaFile PEM certificates the other nodes' certificates are checked against;
 *                        empty means the JDK trust store
 */
public record ClusterConfig(
        Set<String> nodeNames,
        int smtpPort,
        boolean pop3Proxy,
        int pop3ProxyPort,
        Pop3ProxySettings.Tls pop3ProxyTls,
        Optional<Path> pop3ProxyCaFile) {

    public ClusterConfig {
        nodeNames = Set.copyOf(nodeNames);
    }
}
