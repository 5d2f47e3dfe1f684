package dev.dawg.platform.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void shouldWriteAPartThatWritesItselfBetweenTheArrays() {
        SplicedBody.Part document = part("{\"b\": 1.0, \"a\":-0}");
        ByteBuf buffer = SplicedBody.direct(UnpooledByteBufAllocator.DEFAULT, new byte[][] { PARTS[0], PARTS[1] }, document, PARTS[3]);
        try {
            assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"projectData\":{\"b\": 1.0, \"a\":-0}}");
        }
        finally {
            buffer.release();
        }
    }

    @Test
    void shouldGiveTheBufferBackWhenAPartCannotBeWritten() {
        List<ByteBuf> allocated = new ArrayList<>();
        AbstractByteBufAllocator allocator = new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                throw new UnsupportedOperationException();
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf buffer = Unpooled.directBuffer(initialCapacity, maxCapacity);
                allocated.add(buffer);
                return buffer;
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        SplicedBody.Part broken = new SplicedBody.Part() {
            @Override
            public int length() {
                return 10;
            }

            @Override
            public void writeTo(ByteBuf buffer) {
                throw new IllegalStateException("A cached document does not inflate");
            }
        };
        assertThatThrownBy(() -> SplicedBody.direct(allocator, new byte[][] { PARTS[0] }, broken, PARTS[3]))
                .hasMessage("A cached document does not inflate");
        assertThat(allocated).singleElement().satisfies(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    private static SplicedBody.Part part(String text) {
        byte[] bytes = bytes(text);
        return new SplicedBody.Part() {
            @Override
            public int length() {
                return bytes.length;
            }

            @Override
            public void writeTo(ByteBuf buffer) {
                buffer.writeBytes(bytes);
            }
        };
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
