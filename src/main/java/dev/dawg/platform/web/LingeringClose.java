package dev.dawg.platform.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * A lingering close, as nginx makes one: when a connection is closed while the client may still be sending a request
 * body nobody will read (a 413 cut mid-body, a refusal before the body), the answer is sent and the output shut down
 * (FIN), then what the client still sends is read and dropped until it closes too, {@link #LINGER} has passed or
 * {@link #LINGER_BYTES} were dropped (a client sending far more than it may gets the reset).
 * Closing at once would leave unread bytes in the socket, which the kernel answers with a reset, and a reset can
 * reach the client before it read the answer: it would see "connection reset" instead of the 413 or 401.
 * Netty has no such handler of its own (its close is immediate), so this small one is ours.
 */
final class LingeringClose extends ChannelDuplexHandler {

    static final Duration LINGER = Duration.ofSeconds(2);
    static final long LINGER_BYTES = 4L * 1024 * 1024;
    private static final String NAME = "dawgLingeringClose";

    private ChannelPromise closing;
    private long dropped;

    /** Makes the next close of this connection a lingering one. */
    static void install(Channel channel) {
        if (channel instanceof DuplexChannel && channel.pipeline().get(NAME) == null) {
            channel.pipeline().addFirst(NAME, new LingeringClose());
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closing != null || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        closing = promise;
        ctx.executor().schedule(() -> finish(ctx), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                finish(ctx);
                return;
            }
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (closing != null) {
            dropped += message instanceof ByteBuf bytes ? bytes.readableBytes() : 0;
            ReferenceCountUtil.release(message);
            if (dropped > LINGER_BYTES) {
                finish(ctx);
            }
            return;
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (closing != null) {
            closing.trySuccess();
        }
        super.channelInactive(ctx);
    }

    private void finish(ChannelHandlerContext ctx) {
        if (closing.isDone()) {
            return;
        }
        if (ctx.channel().isOpen()) {
            ctx.close(closing);
        }
        else {
            closing.trySuccess();
        }
    }
}
