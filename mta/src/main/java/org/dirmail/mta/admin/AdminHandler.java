package org.dirmail.mta.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request on the admin listener and closes: {@code GET /metrics} (Prometheus
 * text format 0.0.4), {@code GET /health} (JSON, 200 when healthy, else 503), 404 and 405 for
 * everything else (RFC 9110 15.5.5, 15.5.6). Trusts only the aggregated, size-bounded request.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Events the listener fires at each connection. */
    enum ServerEvent {
        /** The server is stopping: close, a scraper retries elsewhere. */
        SHUTDOWN
    }

    /** The content type Prometheus expects for the text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final Supplier<String> metrics;
    private final HealthCheck health;

    AdminHandler(Supplier<String> metrics, HealthCheck health) {
        this.metrics = metrics;
        this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (request.decoderResult().isFailure()) {
            respond(ctx, head, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n");
        } else if (!head && !request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "GET or HEAD only\n",
                    false);
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD"); // RFC 9110 15.5.6: MUST
            send(ctx, response);
        } else {
            route(ctx, new QueryStringDecoder(request.uri()).path(), head);
        }
    }

    private void route(ChannelHandlerContext ctx, String path, boolean head) {
        if (path.equals("/metrics")) {
            respond(ctx, head, HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.get());
        } else if (path.equals("/health")) {
            health.check().whenComplete((report, failure) -> ctx.executor().execute(() -> {
                if (failure != null) { // check() says it never fails; a bug is still "unhealthy"
                    respond(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "health check failed\n");
                    return;
                }
                respond(ctx, head, report.up() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        JSON, report.toJson());
            }));
        } else {
            respond(ctx, head, HttpResponseStatus.NOT_FOUND, TEXT, "not found\n");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent || event == ServerEvent.SHUTDOWN) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection closed after error: {}", cause.toString());
        ctx.close();
    }

    private static void respond(ChannelHandlerContext ctx, boolean head, HttpResponseStatus status, String type,
            String body) {
        send(ctx, response(status, type, body, head));
    }

    /** HEAD gets the headers GET would have, Content-Length included, and no body (RFC 9110 9.3.2). */
    private static FullHttpResponse response(HttpResponseStatus status, String type, String body, boolean head) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    /** One request per connection: bounded, and nothing to track between requests. */
    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
