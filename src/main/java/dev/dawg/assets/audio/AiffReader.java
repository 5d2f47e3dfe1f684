package dev.dawg.assets.audio;

import java.util.Set;

/**
 * AIFF and AIFF-C: the {@code COMM} chunk gives channels, frames, sample size and the sample rate as an 80-bit
 * IEEE 754 extended float.
 */
final class AiffReader {

    /** AIFF-C compression types that store plain linear samples, so the sample size is a real bit depth. */
    private static final Set<String> UNCOMPRESSED = Set.of("NONE", "twos", "sowt", "raw ", "in24", "in32", "fl32", "FL32", "fl64", "FL64");
    private static final int MAX_CHUNKS = 4096;

    private AiffReader() {
    }

    static AudioInfo read(AudioBytes in) {
        if (!in.matches(0, "FORM")) {
            throw AudioRejection.notAudio("not an IFF file");
        }
        boolean aifc = in.matches(8, "AIFC");
        if (!aifc && !in.matches(8, "AIFF")) {
            throw AudioRejection.notAudio("not an AIFF file");
        }
        long size = in.size();
        long position = 12;
        for (int chunks = 0; position + 8 <= size && chunks < MAX_CHUNKS; chunks++) {
            String id = in.ascii(position, 4);
            long chunkSize = in.u32be(position + 4);
            long body = position + 8;
            if (id.equals("COMM")) {
                return comm(in, body, chunkSize, aifc);
            }
            position = body + chunkSize + (chunkSize & 1);
        }
        throw AudioRejection.damaged("the AIFF file has no COMM chunk");
    }

    private static AudioInfo comm(AudioBytes in, long body, long size, boolean aifc) {
        if (size < 18) {
            throw AudioRejection.damaged("the AIFF COMM chunk is too short");
        }
        int channels = in.u16be(body);
        long frames = in.u32be(body + 2);
        int sampleSize = in.u16be(body + 6);
        double sampleRate = extended(in.bytes(body + 8, 10));
        Integer depth = sampleSize >= 1 && sampleSize <= 64 ? sampleSize : null;
        if (aifc) {
            String compression = size >= 22 ? in.ascii(body + 18, 4) : "NONE";
            if (!UNCOMPRESSED.contains(compression)) {
                depth = null;
            }
        }
        else if (depth == null) {
            throw AudioRejection.damaged("the AIFF sample size " + sampleSize + " is not plausible");
        }
        return AudioInfo.of(AudioFormat.AIFF, frames, sampleRate, channels, depth);
    }

    /** An 80-bit IEEE 754 extended-precision number (sign, 15-bit exponent, 64-bit mantissa with explicit 1). */
    static double extended(byte[] b) {
        int exponent = ((b[0] & 0x7F) << 8) | (b[1] & 0xFF);
        long mantissa = 0;
        for (int i = 2; i < 10; i++) {
            mantissa = (mantissa << 8) | (b[i] & 0xFF);
        }
        if ((b[0] & 0x80) != 0 || exponent == 0x7FFF) {
            return Double.NaN; // negative, infinite or NaN: no sample rate
        }
        if (exponent == 0 && mantissa == 0) {
            return 0;
        }
        // value = mantissa * 2^(exponent - 16383 - 63); the mantissa is unsigned, so halve it first.
        double unsigned = (double) (mantissa >>> 1) * 2 + (mantissa & 1);
        return unsigned * Math.pow(2, exponent - 16383 - 63);
    }
}
