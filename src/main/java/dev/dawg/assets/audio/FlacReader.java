package dev.dawg.assets.audio;

/** FLAC: the mandatory STREAMINFO block right after {@code fLaC} holds rate, channels, bit depth and length. */
final class FlacReader {

    private FlacReader() {
    }

    static AudioInfo read(AudioBytes in, long start) {
        if (!in.matches(start, "fLaC")) {
            throw AudioRejection.notAudio("not a FLAC stream");
        }
        int blockType = in.u8(start + 4) & 0x7F;
        long blockLength = (long) in.u8(start + 5) << 16 | in.u16be(start + 6);
        if (blockType != 0 || blockLength < 34) {
            throw AudioRejection.damaged("the FLAC stream does not start with STREAMINFO");
        }
        return streamInfo(in.bytes(start + 8, 34), AudioFormat.FLAC, -1);
    }

    /** A 34-byte STREAMINFO block; {@code granuleSamples} stands in when the block does not state the length. */
    static AudioInfo streamInfo(byte[] info, AudioFormat format, long granuleSamples) {
        // Bytes 10..17: sample rate (20 bits), channels - 1 (3), bits per sample - 1 (5), total samples (36).
        long packed = 0;
        for (int i = 10; i < 18; i++) {
            packed = (packed << 8) | (info[i] & 0xFF);
        }
        int sampleRate = (int) (packed >>> 44);
        int channels = (int) ((packed >>> 41) & 0x7) + 1;
        int bits = (int) ((packed >>> 36) & 0x1F) + 1;
        long totalSamples = packed & 0xF_FFFF_FFFFL;
        if (sampleRate == 0) {
            throw AudioRejection.damaged("the FLAC stream states no sample rate");
        }
        if (totalSamples == 0) {
            if (granuleSamples < 0) {
                throw AudioRejection.damaged("the FLAC stream does not state its length");
            }
            totalSamples = granuleSamples;
        }
        return AudioInfo.of(format, totalSamples, sampleRate, channels, bits);
    }
}
