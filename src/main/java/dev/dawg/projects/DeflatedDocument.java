package dev.dawg.projects;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.netty.buffer.ByteBuf;

import dev.dawg.platform.web.SplicedBody;

/**
 * A project document kept compressed: raw DEFLATE that ends in a sync flush (byte-aligned, no final block), with
 * the CRC-32 and length of the UTF-8 bytes it holds. Such a stream can be sent inside a gzip response as it is,
 * between blocks written around it per request ({@link #gzip}): the response's metadata goes in stored blocks
 * before it and the closing brace in a final block after it, so a cached read compresses nothing.
 */
record DeflatedDocument(byte[] deflated, int crc, int length) implements SplicedBody.Part {

    /**
     * Level 1, as every write pays it: on a 50 KB project 5.4x smaller (level 6: 7.4x) for ~0.2 ms of CPU (level 6:
     * ~2.4 ms), on this 2-core machine under load (issue 20, item 5; {@code DeflatedDocumentTests#printsRatiosAndCosts}).
     */
    static final int LEVEL = Deflater.BEST_SPEED;

    private static final byte[] GZIP_HEADER = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };
    private static final int MAX_STORED_BLOCK = 65_535;
    /**
     * One inflater per thread, reset between documents: making and ending one per read (zlib's state set up, a cleaner
     * registered, both torn down) was ~3 % of an identity read's CPU (async-profiler, issue 20).
     */
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));

    static DeflatedDocument of(byte[] document) {
        return of(document, LEVEL);
    }

    static DeflatedDocument of(byte[] document, int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            deflater.setInput(document);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, document.length / 4));
            byte[] buffer = new byte[Math.max(1024, Math.min(document.length + 64, 64 * 1024))];
            int written;
            // With SYNC_FLUSH a full buffer means there may be more: call again until it is not full.
            do {
                written = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, written);
            } while (written == buffer.length || !deflater.needsInput());
            CRC32 crc = new CRC32();
            crc.update(document);
            return new DeflatedDocument(out.toByteArray(), (int) crc.getValue(), document.length);
        }
        finally {
            deflater.end();
        }
    }

    /** The document's UTF-8 bytes, as written. */
    byte[] inflate() {
        byte[] document = new byte[length];
        inflateInto(ByteBuffer.wrap(document));
        return document;
    }

    /** The document's UTF-8 bytes inflated straight into the answer's buffer: no array of its own, no copy. */
    @Override
    public void writeTo(ByteBuf buffer) {
        buffer.ensureWritable(length);
        int at = buffer.writerIndex();
        if (buffer.nioBufferCount() == 1) {
            inflateInto(buffer.nioBuffer(at, length));
            buffer.writerIndex(at + length);
        }
        else {
            // A buffer of several parts would hand out a copy to inflate into.
            buffer.writeBytes(inflate());
        }
    }

    private void inflateInto(ByteBuffer target) {
        Inflater inflater = INFLATERS.get();
        try {
            inflater.setInput(deflated);
            while (target.hasRemaining()) {
                int n = inflater.inflate(target);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary() || inflater.finished())) {
                    throw new IllegalStateException("A cached document ends early (" + (length - target.remaining()) + " of " + length + " bytes)");
                }
            }
        }
        catch (DataFormatException broken) {
            throw new IllegalStateException("A cached document does not inflate", broken);
        }
        finally {
            inflater.reset();
        }
    }

    /**
     * A gzip stream (RFC 1952) of {@code before}, this document and {@code after}, as byte arrays to send in order:
     * this document's own array is the middle one. {@code after} must be short (a closing brace).
     */
    byte[][] gzip(byte[][] before, byte[] after) {
        int beforeLength = 0;
        for (byte[] part : before) {
            beforeLength += part.length;
        }
        byte[] head = new byte[GZIP_HEADER.length + beforeLength + 5 * Math.max(1, (beforeLength + MAX_STORED_BLOCK - 1) / MAX_STORED_BLOCK)];
        System.arraycopy(GZIP_HEADER, 0, head, 0, GZIP_HEADER.length);
        int at = GZIP_HEADER.length;
        CRC32 crcBefore = new CRC32();
        byte[] joined = before.length == 1 ? before[0] : join(before, beforeLength);
        crcBefore.update(joined);
        for (int from = 0; from < joined.length; from += MAX_STORED_BLOCK) {
            int n = Math.min(MAX_STORED_BLOCK, joined.length - from);
            at = storedBlockHeader(head, at, n, false);
            System.arraycopy(joined, from, head, at, n);
            at += n;
        }
        head = at == head.length ? head : Arrays.copyOf(head, at);

        CRC32 crcAfter = new CRC32();
        crcAfter.update(after);
        int crcAll = Crc32.combine(Crc32.combine((int) crcBefore.getValue(), crc, length), (int) crcAfter.getValue(), after.length);
        long total = (long) beforeLength + length + after.length;
        byte[] tail = new byte[5 + after.length + 8];
        int t = storedBlockHeader(tail, 0, after.length, true);
        System.arraycopy(after, 0, tail, t, after.length);
        t += after.length;
        littleEndian(tail, t, crcAll);
        littleEndian(tail, t + 4, (int) total);
        return new byte[][] { head, deflated, tail };
    }

    private static byte[] join(byte[][] parts, int length) {
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }

    /** A stored block's header (RFC 1951, 3.2.4) at a byte boundary, which a sync flush leaves. */
    private static int storedBlockHeader(byte[] out, int at, int length, boolean last) {
        out[at] = (byte) (last ? 1 : 0);
        out[at + 1] = (byte) length;
        out[at + 2] = (byte) (length >>> 8);
        out[at + 3] = (byte) ~length;
        out[at + 4] = (byte) (~length >>> 8);
        return at + 5;
    }

    private static void littleEndian(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
    }

    /** CRC-32 of two byte strings joined, from the CRC of each (zlib's crc32_combine, in GF(2) polynomial arithmetic). */
    static final class Crc32 {

        private static final int POLY = 0xedb88320;
        /** x^(2^k) modulo the CRC polynomial, for k = 0..31. */
        private static final int[] X2N = new int[32];

        static {
            int p = 1 << 30; // x^1
            X2N[0] = p;
            for (int n = 1; n < 32; n++) {
                p = multiply(p, p);
                X2N[n] = p;
            }
        }

        private Crc32() {
        }

        static int combine(int crc1, int crc2, long length2) {
            return multiply(xPower8n(length2), crc1) ^ crc2;
        }

        /** x^(8n) modulo the polynomial: the shift of a CRC past n bytes. */
        private static int xPower8n(long n) {
            int p = 1 << 31; // x^0
            int k = 3;
            while (n != 0) {
                if ((n & 1) != 0) {
                    p = multiply(X2N[k & 31], p);
                }
                n >>>= 1;
                k++;
            }
            return p;
        }

        private static int multiply(int a, int b) {
            int m = 1 << 31;
            int p = 0;
            while (true) {
                if ((a & m) != 0) {
                    p ^= b;
                    if ((a & (m - 1)) == 0) {
                        break;
                    }
                }
                m >>>= 1;
                b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
            }
            return p;
        }
    }
}
