package dev.dawg.platform.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A JSON answer made of byte arrays sent one after the other (stored JSON spliced into generated JSON), with its
 * total length. The arrays are copied once, into one pooled direct buffer, which the socket writes from as it is:
 * a stream of parts cost a write, a flush and a syscall per part, and heap parts were copied twice on their way to
 * the socket (merged, then moved off the heap).
 */
public final class SplicedBody {

    private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);

    private SplicedBody() {
    }

    public static Mono<ServerResponse> json(ServerResponse.BodyBuilder answer, byte[]... parts) {
        int length = length(parts);
        // Allocated when the answer is written, so an answer never written holds no pooled memory.
        return answer.contentType(MediaType.APPLICATION_JSON).contentLength(length)
                .body(BodyInserters.fromDataBuffers(Mono.fromSupplier(() -> BUFFERS.wrap(direct(BUFFERS.getByteBufAllocator(), parts)))));
    }

    /** {@code parts} one after the other in one direct buffer from {@code allocator}, for a writer below Spring. */
    public static ByteBuf direct(ByteBufAllocator allocator, byte[]... parts) {
        ByteBuf buffer = allocator.directBuffer(length(parts));
        for (byte[] part : parts) {
            buffer.writeBytes(part);
        }
        return buffer;
    }

    private static int length(byte[][] parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        return length;
    }
}
