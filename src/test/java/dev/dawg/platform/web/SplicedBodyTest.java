package dev.dawg.platform.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;

import static org.assertj.core.api.Assertions.assertThat;

/** A spliced answer is its parts in order, with their length, and leaves as one buffer (one write, one flush). */
class SplicedBodyTest {

    private static final byte[][] PARTS = { bytes("{\"id\":1"), bytes(",\"projectData\":"), bytes("{\"b\": 1.0, \"a\":-0}"), bytes("}") };

    @Test
    void shouldWriteThePartsInOrderAsOneBufferWithTheirLength() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/projects/1"));
        ServerResponse response = SplicedBody.json(ServerResponse.ok(), PARTS).block();
        response.writeTo(exchange, new Context()).block();

        List<DataBuffer> written = exchange.getResponse().getBody().collectList().block();
        // A stream of parts was written and flushed part by part: three write syscalls per project GET instead of one.
        assertThat(written).hasSize(1);
        assertThat(written.get(0).toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"projectData\":{\"b\": 1.0, \"a\":-0}}");
        written.forEach(DataBufferUtils::release);
        assertThat(exchange.getResponse().getHeaders().getContentLength()).isEqualTo(41);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    }

    @Test
    void shouldCopyThePartsOnceIntoOneDirectBuffer() {
        ByteBuf buffer = SplicedBody.direct(UnpooledByteBufAllocator.DEFAULT, PARTS);
        try {
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"projectData\":{\"b\": 1.0, \"a\":-0}}");
        }
        finally {
            buffer.release();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Context implements ServerResponse.Context {

        @Override
        public List<HttpMessageWriter<?>> messageWriters() {
            return HandlerStrategies.withDefaults().messageWriters();
        }

        @Override
        public List<ViewResolver> viewResolvers() {
            return List.of();
        }
    }
}
