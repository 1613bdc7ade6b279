package org.dirmail.mta.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.dirmail.tls.ClientTls;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS 1.2 client that renegotiates is disconnected; one that does not keeps its connection. */
class RenegotiationGuardIT {

    @TempDir
    Path dir;

    private ServerTls tls;
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        tls = ServerTls.start(TlsSettings.selfSigned(dir, "localhost"));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        RenegotiationGuard.addFirst(ch.pipeline(), "tls", new SslHandler(tls.newServerEngine()));
                        ch.pipeline().addLast(new Echo());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully();
        tls.close();
    }

    @Test
    void clientInitiatedRenegotiationClosesTheConnection() throws Exception {
        try (SSLSocket socket = connect()) {
            assertThat(echo(socket, "before")).isEqualTo("before");
            assertThatThrownBy(() -> {
                socket.startHandshake(); // TLS 1.2: a new ClientHello inside the session
                echo(socket, "after");
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void ordinaryTrafficIsUntouched() throws Exception {
        try (SSLSocket socket = connect()) {
            for (int i = 0; i < 50; i++) {
                assertThat(echo(socket, "line " + i)).isEqualTo("line " + i);
            }
        }
    }

    private SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) ClientTls.trusting(List.of(tls.certificateChain().get(0)))
                .getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()), 5000);
        socket.setSoTimeout(5000);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.startHandshake();
        return socket;
    }

    private static String echo(SSLSocket socket, String text) throws IOException {
        socket.getOutputStream().write((text + "\n").getBytes());
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("closed by server");
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** Writes back what it reads. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }
}
