package org.dirmail.mta.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.remote.RecipientStatus;
import org.dirmail.mta.remote.RemoteResult;
import org.dirmail.mta.remote.RemoteTlsPolicy;
import org.dirmail.mta.remote.RemoteTransaction;
import org.dirmail.mta.remote.Route;

/**
 * Hands one recipient's copy to the cluster node named by the entry's {@code mailHost}, over SMTP
 * to {@code mailHost:cluster_smtp_port} (address records, no MX; STARTTLS when offered), with the
 * original envelope sender and recipient: qmail-ldap's qmail-forward (qmail-ldap.md §6), with
 * SMTP instead of QMQP. Its loop guard is qmail-forward's too: the copy gets
 * {@code Delivered-To: CLUSTERHOST <this node> <recipient>}, and a message that already carries
 * this node's line is refused with 5.4.6, so two nodes that each think the other holds the mailbox
 * stop after one round. Trusts {@code mailHost} only after {@link #validHost}; runs on delivery
 * threads and blocks on the transport, whose own timeouts bound the wait.
 */
public final class ClusterRelay {

    /** qmail-forward's words (qmail-ldap.md §6 step 3). */
    static final String LOOPING = "message is looping: it already has my Cluster-Delivered-To line";

    /** A backstop above the transport's own timeouts; reaching it defers, never bounces. */
    private static final long BACKSTOP_MINUTES = 30;

    /** Host names as {@code mailHost} may hold them (RFC 1123 labels); directory values are untrusted. */
    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** The SMTP client, asked for one explicit next hop. */
    @FunctionalInterface
    public interface Transport {
        CompletionStage<RemoteResult> deliver(RemoteTransaction tx, Route route, RemoteTlsPolicy policy);
    }

    private final Set<String> nodeNames;
    private final String hostname;
    private final int port;
    private final Transport transport;

    /**
     * @param nodeNames this node's names in {@code mailHost} ({@code hostname} + {@code cluster_hosts})
     * @param hostname  this node's name, written into the loop-guard line
     * @param port      the other nodes' SMTP port ({@code cluster_smtp_port})
     */
    public ClusterRelay(Set<String> nodeNames, String hostname, int port, Transport transport) {
        this.nodeNames = nodeNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.hostname = hostname.toLowerCase(Locale.ROOT);
        this.port = port;
        this.transport = transport;
    }

    /** This node's names, lower case: a {@code mailHost} that is none of them is another node. */
    Set<String> nodeNames() {
        return nodeNames;
    }

    /** True when {@code mailHost} (from the directory) is a host name we may connect to. */
    static boolean validHost(String mailHost) {
        return mailHost.length() <= 253 && HOST.matcher(mailHost.toLowerCase(Locale.ROOT)).matches();
    }

    /** Relays {@code message}'s copy for {@code rcpt} to {@code mailHost}; the relay is named in the detail. */
    DeliveryOutcome relay(QueuedMessage message, String rcpt, String mailHost) {
        String mine = "CLUSTERHOST " + hostname + " " + rcpt;
        if (HeaderScan.hasField(message.message(), "Delivered-To", value -> value.equalsIgnoreCase(mine))) {
            return new DeliveryOutcome.Failed("5.4.6", LOOPING);
        }
        byte[] line = ("Delivered-To: " + mine + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] copy = new byte[line.length + message.message().length];
        System.arraycopy(line, 0, copy, 0, line.length);
        System.arraycopy(message.message(), 0, copy, line.length, message.message().length);
        RemoteTransaction tx = new RemoteTransaction(Router.domainOf(rcpt), message.envelope().sender(), List.of(rcpt),
                copy, message.id());
        Route route = new Route(mailHost.toLowerCase(Locale.ROOT), port, false, false);
        RemoteResult result;
        try {
            result = transport.deliver(tx, route, RemoteTlsPolicy.MAY).toCompletableFuture()
                    .get(BACKSTOP_MINUTES, TimeUnit.MINUTES);
        } catch (TimeoutException | ExecutionException e) {
            return new DeliveryOutcome.Deferred("4.4.7", "relay to cluster node " + mailHost + " did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Deferred("4.4.7", "interrupted while relaying to cluster node " + mailHost);
        }
        return outcome(result.perRecipient().get(rcpt), "relay=" + (RemoteResult.NO_MTA.equals(result.remoteMta())
                ? mailHost + ":" + port : result.remoteMta()));
    }

    private static DeliveryOutcome outcome(RecipientStatus status, String relay) {
        if (status == null) {
            return new DeliveryOutcome.Deferred("4.4.7", relay + ": no status for the recipient");
        }
        // The client's text usually starts with the server it names; say it once.
        String server = relay.substring("relay=".length());
        String said = status.text().startsWith(server + " ") ? status.text().substring(server.length() + 1) : status.text();
        String text = "cluster " + relay + " " + said;
        if (status instanceof RecipientStatus.Delivered) {
            return new DeliveryOutcome.Delivered(text);
        }
        if (status instanceof RecipientStatus.Failed) {
            return new DeliveryOutcome.Failed(status.enhanced(), text);
        }
        return new DeliveryOutcome.Deferred(status.enhanced(), text);
    }
}
