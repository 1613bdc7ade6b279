package org.dirmail.mta.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A recursive resolver in the test: answers UDP queries on 127.0.0.1 from a zone the test writes
 * (MX, A, AAAA, CNAME), with NXDOMAIN for unknown names and, on request, SERVFAIL or silence for
 * a name. So no test ever asks a real DNS server. Records are answered in the order added.
 */
public final class FakeDnsServer implements AutoCloseable {

    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Map<Name, Integer> rcodes = new ConcurrentHashMap<>();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private FakeDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "fake-dns");
        thread.setDaemon(true);
    }

    public static FakeDnsServer start() throws SocketException {
        FakeDnsServer server = new FakeDnsServer();
        server.thread.start();
        return server;
    }

    /** Settings that send every query here. */
    public DnsSettings settings(Duration timeout) {
        return new DnsSettings(List.of((InetSocketAddress) socket.getLocalSocketAddress()), timeout);
    }

    public FakeDnsServer mx(String domain, int preference, String host) {
        records.add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
        return this;
    }

    public FakeDnsServer a(String host, String address) throws IOException {
        records.add(new ARecord(name(host), DClass.IN, TTL, InetAddress.getByName(address)));
        return this;
    }

    public FakeDnsServer aaaa(String host, String address) throws IOException {
        records.add(new AAAARecord(name(host), DClass.IN, TTL, InetAddress.getByName(address)));
        return this;
    }

    public FakeDnsServer cname(String alias, String target) {
        records.add(new CNAMERecord(name(alias), DClass.IN, TTL, name(target)));
        return this;
    }

    /** Every query for {@code name} gets {@code rcode} (e.g. {@link Rcode#SERVFAIL}). */
    public FakeDnsServer rcode(String name, int rcode) {
        rcodes.put(name(name), rcode);
        return this;
    }

    /** Queries for {@code name} are never answered: the client times out. */
    public FakeDnsServer silent(String name) {
        silent.add(name(name));
        return this;
    }

    /** The questions asked, as {@code name/TYPE}. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                queries.add(question.getName() + "/" + Type.string(question.getType()));
                if (silent.contains(question.getName())) {
                    continue;
                }
                byte[] answer = answer(query, question).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query, Record question) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RD);
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        Integer rcode = rcodes.get(name);
        if (rcode != null) {
            response.getHeader().setRcode(rcode);
            return response;
        }
        if (records.stream().noneMatch(r -> r.getName().equals(name))) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        // Like a recursive resolver: the CNAME chain, then the target's records of the type asked.
        Name owner = name;
        for (int hops = 0; hops < 8; hops++) {
            Name current = owner;
            Record cname = records.stream().filter(r -> r.getName().equals(current) && r.getType() == Type.CNAME)
                    .findFirst().orElse(null);
            if (cname == null || question.getType() == Type.CNAME) {
                break;
            }
            response.addRecord(cname, Section.ANSWER);
            owner = ((CNAMERecord) cname).getTarget();
        }
        List<Record> matching = new ArrayList<>();
        for (Record r : records) {
            if (r.getName().equals(owner) && r.getType() == question.getType()) {
                matching.add(r);
            }
        }
        matching.forEach(r -> response.addRecord(r, Section.ANSWER));
        return response;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
