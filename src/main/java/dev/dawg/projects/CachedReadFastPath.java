package dev.dawg.projects;

import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

import dev.dawg.auth.AccessTokens;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.web.RequestIds;
import dev.dawg.platform.web.ResponseHeaders;
import dev.dawg.platform.web.SplicedBody;
import dev.dawg.sharing.ProjectAccess;

/**
 * Answers the hottest read, {@code GET /api/projects/{id}}, straight from memory when everything it needs is
 * already there and nothing about the request is unusual: the project's head and the document of its version
 * are cached ({@link ProjectMetadataCache}, {@link ProjectDocumentCache}), the caller is anonymous or sends an access token
 * verified before and still valid, and the one access rule ({@link ProjectAccess#decide}) lets them read it.
 * The answer (gzip-encoded from the cached bytes when Accept-Encoding allows) is the same, byte for byte but the request id, as the handler's (proved by
 * {@code CachedReadFastPathIntegrationTests}); it skips the framework's per-request machinery, most of a cached
 * read's CPU.
 *
 * <p>Everything else goes on to Spring untouched: another route or method, a query string, a share token, an API
 * key, a CORS request (Origin), a request id of the client's, conditional forms other than
 * {@code If-None-Match: "<version>"} (or {@code W/"<version>"}), a body, {@code Connection: close}, HTTP/1.0, TLS, a token not seen before,
 * a refusal (Spring answers the 404), forwarded scheme or prefix headers when {@code DAWG_FORWARD_HEADERS} honours
 * them (Spring then adds HSTS or moves the path), and any request while an earlier one on the connection is still being
 * answered by Spring (so that pipelined answers keep their order).
 */
@Component
class CachedReadFastPath implements NettyServerCustomizer {

    private static final String HANDLER = "dawg.cachedReads";
    private static final String PREFIX = "/api/projects/";
    private static final int UUID_LENGTH = 36;

    private final ProjectMetadataCache metadata;
    private final ProjectDocumentCache documents;
    private final ProjectResponses responses;
    private final ProjectAccess access;
    private final AccessTokens tokens;
    private final Counter served;
    private final boolean forwardedHeadersHonoured;

    CachedReadFastPath(ProjectMetadataCache metadata, ProjectDocumentCache documents, ProjectResponses responses, ProjectAccess access,
            AccessTokens tokens, MeterRegistry meters, @Value("${server.forward-headers-strategy:none}") String forwardHeaders) {
        this.metadata = metadata;
        this.documents = documents;
        this.responses = responses;
        this.access = access;
        this.tokens = tokens;
        this.served = Counter.builder("dawg.projects.reads.from.memory")
                .description("GETs of a project answered from memory before the web framework").register(meters);
        this.forwardedHeadersHonoured = !"none".equalsIgnoreCase(forwardHeaders.trim());
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER, new Handler());
            }
        });
    }

    /** The answer from memory, or null to let Spring answer. */
    FullHttpResponse answer(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        String uri = request.uri();
        if (request.method() != HttpMethod.GET || request.protocolVersion() != HttpVersion.HTTP_1_1
                || !request.decoderResult().isSuccess() || uri.length() != PREFIX.length() + UUID_LENGTH || !uri.startsWith(PREFIX)
                || !HttpUtil.isKeepAlive(request) || HttpUtil.is100ContinueExpected(request) || HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) != 0 || headers.contains(HttpHeaderNames.ORIGIN)
                || headers.contains(ProjectAccess.SHARE_HEADER) || headers.contains("X-API-Key") || headers.contains(RequestIds.HEADER)
                || headers.contains(HttpHeaderNames.IF_MATCH) || headers.contains(HttpHeaderNames.IF_MODIFIED_SINCE)
                || ctx.pipeline().get(SslHandler.class) != null
                || forwardedHeadersHonoured && (headers.contains("Forwarded") || headers.contains("X-Forwarded-Proto")
                        || headers.contains("X-Forwarded-Prefix") || headers.contains("X-Forwarded-Ssl"))) {
            return null;
        }
        UUID id;
        try {
            id = UUID.fromString(uri.substring(PREFIX.length()));
        }
        catch (IllegalArgumentException notAnId) {
            return null;
        }
        Optional<CurrentUser> caller = Optional.empty();
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.startsWith("Bearer ") || headers.getAll(HttpHeaderNames.AUTHORIZATION).size() != 1) {
                return null;
            }
            caller = tokens.rememberedCaller(authorization.substring("Bearer ".length()));
            if (caller.isEmpty() || !caller.get().has(Scope.PROJECTS_READ)) {
                return null;
            }
        }
        Project project = metadata.peek(id);
        if (project == null) {
            return null;
        }
        boolean gzip = ContentCodings.acceptsGzip(headers.get(HttpHeaderNames.ACCEPT_ENCODING));
        String etag = project.etag();
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        // The tag in either form names the version the client holds (weak comparison, RFC 9110 13.1.2).
        boolean notModified = ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals("W/" + etag));
        if (ifNoneMatch != null && !notModified) {
            return null;
        }
        DeflatedDocument document = notModified ? null : documents.deflated(id, project.version());
        if (!notModified && document == null) {
            return null;
        }
        try {
            access.decide(caller, id, project.ownerId(), project.visibility(), null);
        }
        catch (RuntimeException refused) {
            return null;
        }
        FullHttpResponse response;
        if (notModified) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        }
        else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    gzip ? SplicedBody.direct(ctx.alloc(), responses.gzipParts(project, document))
                            : responses.inflatedDirect(ctx.alloc(), project, document));
        }
        HttpHeaders out = response.headers();
        out.set(RequestIds.HEADER, UUID.randomUUID().toString());
        out.add(HttpHeaderNames.VARY, "Origin");
        out.add(HttpHeaderNames.VARY, "Access-Control-Request-Method");
        out.add(HttpHeaderNames.VARY, "Access-Control-Request-Headers");
        out.add(HttpHeaderNames.VARY, "Accept-Encoding");
        if (!notModified) {
            out.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            out.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            if (gzip) {
                out.set(HttpHeaderNames.CONTENT_ENCODING, ContentCodings.GZIP);
            }
        }
        out.set(HttpHeaderNames.ETAG, etag);
        out.set(HttpHeaderNames.CACHE_CONTROL, ProjectResponses.CACHE_CONTROL);
        ResponseHeaders.API.forEach(out::set);
        served.increment();
        return response;
    }

    /** One per connection: tracks the requests Spring is still answering, and drops the body of one answered here. */
    private final class Handler extends ChannelDuplexHandler {

        private int answeringBySpring;
        private boolean droppingContent;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (droppingContent && message instanceof HttpContent content) {
                droppingContent = !(content instanceof LastHttpContent);
                ReferenceCountUtil.release(message);
                readOn(ctx);
                return;
            }
            if (message instanceof HttpRequest request) {
                FullHttpResponse response = answeringBySpring == 0 ? answer(ctx, request) : null;
                if (response != null) {
                    droppingContent = !(message instanceof LastHttpContent);
                    ReferenceCountUtil.release(message);
                    // The request never reaches the idle-timeout handler: tell it the connection is in use.
                    if (ctx.pipeline().get(NettyPipeline.IdleTimeoutHandler) instanceof IdleStateHandler idle) {
                        idle.resetReadTimeout();
                    }
                    ctx.writeAndFlush(response);
                    readOn(ctx);
                    return;
                }
                answeringBySpring++;
            }
            ctx.fireChannelRead(message);
        }

        /**
         * Reactor Netty reads a connection on demand (auto-read off while it handles a request): a request
         * consumed here must ask for what comes next itself, or the connection would wait forever.
         */
        private void readOn(ChannelHandlerContext ctx) {
            if (!ctx.channel().config().isAutoRead()) {
                ctx.read();
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            boolean interim = message instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (message instanceof LastHttpContent && !interim && answeringBySpring > 0) {
                answeringBySpring--;
            }
            ctx.write(message, promise);
        }
    }
}
