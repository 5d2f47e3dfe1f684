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
    private static final byte[][] NOTHING = {};

    private SplicedBody() {
    }

    /**
     * A part that writes itself into the answer's buffer (a compressed document inflating straight into it) instead
     * of being made as an array of its own and copied there.
     */
    public interface Part {

        /** How many bytes {@link #writeTo} writes. */
        int length();

        /** Writes exactly {@link #length()} bytes at {@code buffer}'s writer index, which it moves past them. */
        void writeTo(ByteBuf buffer);
    }

    public static Mono<ServerResponse> json(ServerResponse.BodyBuilder answer, byte[]... parts) {
        return json(answer, parts, null, NOTHING);
    }

    /** {@code before}, then {@code middle}, then {@code after}, one after the other. */
    public static Mono<ServerResponse> json(ServerResponse.BodyBuilder answer, byte[][] before, Part middle, byte[]... after) {
        int length = length(before, middle, after);
        // Allocated when the answer is written, so an answer never written holds no pooled memory.
        return answer.contentType(MediaType.APPLICATION_JSON).contentLength(length)
                .body(BodyInserters.fromDataBuffers(Mono.fromSupplier(
                        () -> BUFFERS.wrap(direct(BUFFERS.getByteBufAllocator(), before, middle, after)))));
    }

    /** {@code parts} one after the other in one direct buffer from {@code allocator}, for a writer below Spring. */
    public static ByteBuf direct(ByteBufAllocator allocator, byte[]... parts) {
        return direct(allocator, parts, null, NOTHING);
    }

    /** {@code before}, then {@code middle}, then {@code after} in one direct buffer from {@code allocator}. */
    public static ByteBuf direct(ByteBufAllocator allocator, byte[][] before, Part middle, byte[]... after) {
        ByteBuf buffer = allocator.directBuffer(length(before, middle, after));
        try {
            for (byte[] part : before) {
                buffer.writeBytes(part);
            }
            if (middle != null) {
                middle.writeTo(buffer);
            }
            for (byte[] part : after) {
                buffer.writeBytes(part);
            }
            return buffer;
        }
        catch (RuntimeException failed) {
            buffer.release();
            throw failed;
        }
    }

    private static int length(byte[][] before, Part middle, byte[][] after) {
        int length = middle == null ? 0 : middle.length();
        for (byte[] part : before) {
            length += part.length;
        }
        for (byte[] part : after) {
            length += part.length;
        }
        return length;
    }
}
