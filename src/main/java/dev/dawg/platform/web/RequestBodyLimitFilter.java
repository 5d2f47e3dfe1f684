package dev.dawg.platform.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.dawg.platform.config.DawgProperties;

/**
 * The one place request bodies are bounded: {@code DAWG_MAX_REQUEST_BODY} for every route, a larger but still
 * finite size for the routes a feature declares a {@link RequestBodyAllowance} for (the streamed uploads).
 *
 * <ul>
 * <li>As an {@link HttpHandlerDecoratorFactory} it wraps the request's body before the exchange is built, so every
 * reader (functional handlers, {@code JsonBodies}, codecs, the multipart parser, {@code getFormData()} and
 * {@code getMultipartData()}, which the exchange binds to the request it was built with) gets a body that fails
 * with 413 as soon as one byte more than the limit arrives. What a reader holds is then at most about the limit:
 * a chunked body is cut as it streams, not after it was read whole.
 * <li>As a {@link WebFilter} it refuses a declared {@code Content-Length} over the limit before a byte is read. It
 * runs just inside the security chain (which reads no body), so that 413 carries the security and CORS headers of
 * any other answer and a browser can read it.
 * </ul>
 * A body cut as it streams closes the connection with its 413: the client may still be sending a rest nobody reads.
 * An unread chunked body is dropped up to the limit before the answer, so a short one keeps its connection.
 */
@Component
@Order(RequestBodyLimitFilter.ORDER)
class RequestBodyLimitFilter implements WebFilter, HttpHandlerDecoratorFactory {

    /** Right after Spring Security's filter chain proxy (WebFluxSecurityConfiguration orders it at -100). */
    static final int ORDER = -99;

    private final long maxBytes;
    private final List<RequestBodyAllowance> allowances;

    RequestBodyLimitFilter(DawgProperties properties, ObjectProvider<RequestBodyAllowance> allowances) {
        this.maxBytes = properties.web().maxRequestBody().toBytes();
        this.allowances = allowances.orderedStream().toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        long limit = length > 0 ? limitOf(exchange.getRequest()) : Long.MAX_VALUE;
        if (length > limit) {
            // Refused before a byte is read, and without closing: Reactor Netty reads and drops the declared bytes, so
            // that a client still sending them reads this answer (a close while it sends would reset the connection).
            return Mono.error(ApiProblem.payloadTooLarge("The request body is " + length + " bytes; the limit is " + limit));
        }
        return chain.filter(exchange);
    }

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> {
            if (hasNoBody(request)) {
                // Neither a length nor chunks: the request has no body (RFC 9112 §6.3), nothing to bound or settle.
                return handler.handle(request, response);
            }
            BoundedBody bounded = new BoundedBody(request, limitOf(request));
            response.beforeCommit(() -> bounded.settle(response).doOnTerminate(() -> bounded.lingerIfClosing(response)));
            return handler.handle(bounded, response);
        };
    }

    private static boolean hasNoBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        return headers.getContentLength() <= 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    long limitOf(ServerHttpRequest request) {
        for (RequestBodyAllowance allowance : allowances) {
            if (allowance.covers(request.getMethod(), request.getPath().pathWithinApplication())) {
                return allowance.maxBytes();
            }
        }
        return maxBytes;
    }

    private static ApiProblem tooLarge(String detail) {
        return ApiProblem.payloadTooLarge(detail).withHeader(HttpHeaders.CONNECTION, "close");
    }

    /**
     * The request with a body that fails once more than {@code limit} bytes have arrived (the extra buffer released).
     * A body the handler gave up on, or never read, is settled before the answer goes out: Reactor Netty would
     * otherwise read (and drop) all of it after the answer, however long it is.
     */
    private static final class BoundedBody extends ServerHttpRequestDecorator {

        enum State { UNREAD, READING, READ, ABANDONED }

        /** How long an unread chunked body is read and dropped before the answer goes out (nginx lingers 5 s). */
        private static final Duration LINGER = Duration.ofSeconds(2);

        private final AtomicReference<State> state = new AtomicReference<>(State.UNREAD);
        private final long limit;

        BoundedBody(ServerHttpRequest delegate, long limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            Flux<DataBuffer> body = super.getBody();
            return Flux.defer(() -> {
                state.compareAndSet(State.UNREAD, State.READING);
                long[] received = { 0 };
                return body.map(buffer -> {
                            received[0] += buffer.readableByteCount();
                            if (received[0] > limit) {
                                DataBufferUtils.release(buffer);
                                throw tooLarge("The request body is larger than " + limit + " bytes, the limit here; nothing of it was used");
                            }
                            return buffer;
                        })
                        .doOnComplete(() -> state.set(State.READ))
                        .doOnError(failure -> state.compareAndSet(State.READING, State.ABANDONED))
                        .doOnCancel(() -> state.compareAndSet(State.READING, State.ABANDONED));
            });
        }

        /**
         * An answer that closes the connection while the client may still be sending this body closes it lingering
         * ({@link LingeringClose}), so the client reads the answer instead of a reset.
         */
        void lingerIfClosing(ServerHttpResponse response) {
            boolean hasBody = getHeaders().getContentLength() > 0 || getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING);
            if (hasBody && state.get() != State.READ && "close".equalsIgnoreCase(response.getHeaders().getFirst(HttpHeaders.CONNECTION))
                    && ServerHttpRequestDecorator.getNativeRequest(getDelegate()) instanceof Connection connection) {
                LingeringClose.install(connection.channel());
            }
        }

        /**
         * Just before the answer is committed. An unread body of unknown length (chunked) is read and dropped first, up
         * to the limit and for at most {@link #LINGER}, so that a client still sending a short body reads this answer on a
         * connection it keeps (a close while it sends can reset the connection and lose the answer); past either bound
         * the connection closes after the answer instead of Reactor Netty reading the rest, without end. A body left
         * half-read closes it too. An unread body with a declared length is left to Reactor Netty to drop: it ends where
         * the client said (over the limit it was refused before a byte was read), and the connection survives.
         */
        Mono<Void> settle(ServerHttpResponse response) {
            State now = state.get();
            if (now == State.UNREAD && getHeaders().getUpgrade() == null
                    && getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
                // Straight from Reactor Netty, which releases each buffer once it was seen: only a count is kept.
                HttpServerRequest connection = ServerHttpRequestDecorator.getNativeRequest(getDelegate());
                return connection.receive()
                        .reduce(0L, (dropped, buffer) -> {
                            long total = dropped + buffer.readableBytes();
                            if (total > limit) {
                                throw tooLarge("over the limit");
                            }
                            return total;
                        })
                        .then()
                        .timeout(LINGER)
                        .onErrorResume(tooLongOrTooSlow -> {
                            response.getHeaders().set(HttpHeaders.CONNECTION, "close");
                            return Mono.empty();
                        });
            }
            if (now == State.ABANDONED) {
                response.getHeaders().set(HttpHeaders.CONNECTION, "close");
            }
            return Mono.empty();
        }
    }
}
