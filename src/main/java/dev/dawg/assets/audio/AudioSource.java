package dev.dawg.assets.audio;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Random access to the bytes of one file, wherever they are (memory, object storage). Reads may block: the
 * probe is run off the event loop.
 */
public interface AudioSource {

    long size();

    /** Up to {@code length} bytes from {@code position}; fewer only at the end of the file. */
    byte[] read(long position, int length) throws IOException;

    static AudioSource of(byte[] bytes) {
        return new AudioSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public byte[] read(long position, int length) {
                if (position < 0 || position > bytes.length) {
                    throw new UncheckedIOException(new IOException("position " + position + " is outside the file"));
                }
                int end = (int) Math.min(bytes.length, position + (long) length);
                return java.util.Arrays.copyOfRange(bytes, (int) position, end);
            }
        };
    }
}
