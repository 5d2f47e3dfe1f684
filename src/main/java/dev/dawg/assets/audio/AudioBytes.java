package dev.dawg.assets.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The readers' view of a file: bounds-checked integer reads over 64 KiB blocks fetched from the source and
 * kept in a small cache, with a budget on how much may be fetched, so no header can make a reader loop for
 * long or read a whole large file.
 */
final class AudioBytes {

    static final int BLOCK = 64 * 1024;
    private static final int CACHED_BLOCKS = 16;

    private final AudioSource source;
    private final long size;
    private final int maxFetches;
    private int fetches;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(CACHED_BLOCKS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };

    AudioBytes(AudioSource source, int maxFetches) {
        this.source = source;
        this.size = source.size();
        this.maxFetches = maxFetches;
    }

    long size() {
        return size;
    }

    /** Whether the whole file could be fetched within what is left of the budget. */
    boolean canReadAll(long from) {
        return from >= 0 && (size - from) / BLOCK + 2 <= maxFetches - fetches;
    }

    /** Exactly {@code length} bytes at {@code position}; a file that ends first is damaged. */
    byte[] bytes(long position, int length) {
        byte[] read = upTo(position, length);
        if (read.length < length) {
            throw AudioRejection.damaged("the file ends inside a header");
        }
        return read;
    }

    /** Up to {@code length} bytes at {@code position}, fewer at the end of the file. */
    byte[] upTo(long position, int length) {
        if (position < 0 || length < 0) {
            throw AudioRejection.damaged("a header points outside the file");
        }
        if (position >= size || length == 0) {
            return new byte[0];
        }
        int wanted = (int) Math.min(length, size - position);
        byte[] out = new byte[wanted];
        int copied = 0;
        while (copied < wanted) {
            long at = position + copied;
            long blockIndex = at / BLOCK;
            byte[] block = block(blockIndex);
            int offset = (int) (at - blockIndex * BLOCK);
            if (offset >= block.length) {
                break;
            }
            int n = Math.min(block.length - offset, wanted - copied);
            System.arraycopy(block, offset, out, copied, n);
            copied += n;
        }
        return copied == wanted ? out : java.util.Arrays.copyOf(out, copied);
    }

    private byte[] block(long index) {
        byte[] cached = cache.get(index);
        if (cached != null) {
            return cached;
        }
        if (++fetches > maxFetches) {
            throw AudioRejection.damaged("the headers could not be read within the read budget");
        }
        byte[] block;
        try {
            block = source.read(index * BLOCK, (int) Math.min(BLOCK, size - index * BLOCK));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        cache.put(index, block);
        return block;
    }

    int u8(long position) {
        return bytes(position, 1)[0] & 0xFF;
    }

    int u16le(long position) {
        byte[] b = bytes(position, 2);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    int u16be(long position) {
        byte[] b = bytes(position, 2);
        return (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
    }

    long u32le(long position) {
        return u32le(bytes(position, 4), 0);
    }

    long u32be(long position) {
        return u32be(bytes(position, 4), 0);
    }

    long u64le(long position) {
        byte[] b = bytes(position, 8);
        return u32le(b, 0) | u32le(b, 4) << 32;
    }

    String ascii(long position, int length) {
        return new String(bytes(position, length), StandardCharsets.ISO_8859_1);
    }

    /** Whether the bytes at {@code position} are {@code tag}; false past the end. */
    boolean matches(long position, String tag) {
        byte[] b = upTo(position, tag.length());
        return b.length == tag.length() && new String(b, StandardCharsets.ISO_8859_1).equals(tag);
    }

    static long u32le(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16 | (b[offset + 3] & 0xFFL) << 24;
    }

    static long u32be(byte[] b, int offset) {
        return (b[offset] & 0xFFL) << 24 | (b[offset + 1] & 0xFFL) << 16 | (b[offset + 2] & 0xFFL) << 8 | (b[offset + 3] & 0xFFL);
    }
}
