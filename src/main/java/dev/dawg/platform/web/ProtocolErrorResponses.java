package dev.dawg.platform.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Requests that Netty cannot decode (a request line over its 4 KB limit, headers over 8 KB, a malformed request)
 * never reach Spring: Reactor Netty would answer them itself with an empty body. A handler right after the HTTP
 * codec answers them instead, in the API's one problem shape: 414 {@code URI_TOO_LONG}, 431
 * {@code REQUEST_HEADER_FIELDS_TOO_LARGE} or 400 {@code MALFORMED_REQUEST}, and closes the connection (the rest of
 * what the client sent cannot be read).
 */
@Component
class ProtocolErrorResponses implements NettyServerCustomizer {

    private static final String HANDLER = "dawg.protocolErrors";

    private final ChannelHandler handler;

    ProtocolErrorResponses(JsonMapper json) {
        this.handler = new UndecodableRequestHandler(json);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER, handler);
            }
        });
    }

    @ChannelHandler.Sharable
    static final class UndecodableRequestHandler extends ChannelInboundHandlerAdapter {

        private static final String TYPE_BASE = "https://dawg.dev/problems/";

        private final JsonMapper json;

        UndecodableRequestHandler(JsonMapper json) {
            this.json = json;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof HttpRequest request) || request.decoderResult().isSuccess()) {
                ctx.fireChannelRead(message);
                return;
            }
            Throwable cause = request.decoderResult().cause();
            ReferenceCountUtil.release(message);
            if (cause instanceof TooLongHttpLineException) {
                answer(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "URI_TOO_LONG",
                        "The request line is longer than this server accepts (4 KB): send long queries in a body");
            }
            else if (cause instanceof TooLongHttpHeaderException) {
                answer(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "REQUEST_HEADER_FIELDS_TOO_LARGE",
                        "The request headers are larger than this server accepts (8 KB in all)");
            }
            else {
                answer(ctx, HttpResponseStatus.BAD_REQUEST, "MALFORMED_REQUEST", "The request is not valid HTTP/1.1");
            }
        }

        private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String detail) {
            // Nothing of the request can be trusted (not even an X-Request-Id), so the id is always a new one.
            String requestId = UUID.randomUUID().toString();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", TYPE_BASE + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            body.put("title", status.reasonPhrase());
            body.put("status", status.code());
            body.put("detail", detail);
            body.put("instance", "urn:uuid:" + requestId);
            body.put("code", code);
            body.put("requestId", requestId);
            byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(RequestIds.HEADER, requestId);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
