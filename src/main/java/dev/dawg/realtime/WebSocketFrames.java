package dev.dawg.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Server WebSocket frames encoded once, header and payload in one buffer (RFC 6455 section 5.2: a server's frames
 * are unmasked; the hub negotiates no extension), so a frame meant for many connections is written to each as it
 * is, a retained duplicate of the same bytes, and Netty's frame encoder passes it through untouched.
 */
final class WebSocketFrames {

    private static final int FIN_TEXT = 0x81;
    private static final int FIN_PING = 0x89;

    private WebSocketFrames() {
    }

    /** A final text frame holding {@code payload} (UTF-8 JSON), in a direct buffer the caller releases. */
    static ByteBuf text(ByteBufAllocator allocator, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuf frame = allocator.directBuffer(header + length);
        frame.writeByte(FIN_TEXT);
        if (length < 126) {
            frame.writeByte(length);
        }
        else if (length < 65536) {
            frame.writeByte(126);
            frame.writeShort(length);
        }
        else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        return frame.writeBytes(payload);
    }

    /** An empty ping (the heartbeat). */
    static ByteBuf ping(ByteBufAllocator allocator) {
        return allocator.directBuffer(2).writeByte(FIN_PING).writeByte(0);
    }
}
