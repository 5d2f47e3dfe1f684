package dev.dawg.assets.audio;

/**
 * RIFF/WAVE (and RF64): walks the chunks for {@code fmt }, {@code fact} and {@code data}. Length comes from
 * the data size and the block alignment for PCM, float and G.711, from {@code fact} or the byte rate for
 * compressed formats. A data size larger than the file (a truncated or still-streaming recording) is cut to
 * what is there.
 */
final class WavReader {

    private static final int PCM = 0x0001;
    private static final int IEEE_FLOAT = 0x0003;
    private static final int ALAW = 0x0006;
    private static final int MULAW = 0x0007;
    private static final int EXTENSIBLE = 0xFFFE;
    private static final int MAX_CHUNKS = 4096;
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavReader() {
    }

    static AudioInfo read(AudioBytes in) {
        boolean rf64 = in.matches(0, "RF64");
        if (!(in.matches(0, "RIFF") || rf64) || !in.matches(8, "WAVE")) {
            throw AudioRejection.notAudio("not a RIFF/WAVE file");
        }
        long size = in.size();
        long ds64DataSize = -1;
        Fmt fmt = null;
        long factFrames = -1;
        long dataOffset = -1;
        long dataSize = -1;
        long position = 12;
        for (int chunks = 0; position + 8 <= size && chunks < MAX_CHUNKS; chunks++) {
            String id = in.ascii(position, 4);
            long chunkSize = in.u32le(position + 4);
            long body = position + 8;
            switch (id) {
                case "ds64" -> {
                    if (chunkSize >= 16) {
                        ds64DataSize = in.u64le(body + 8);
                    }
                }
                case "fmt " -> fmt = Fmt.read(in, body, chunkSize);
                case "fact" -> {
                    if (chunkSize >= 4) {
                        factFrames = in.u32le(body);
                    }
                }
                case "data" -> {
                    dataOffset = body;
                    dataSize = chunkSize;
                    if (rf64 && chunkSize == UNKNOWN_SIZE && ds64DataSize >= 0) {
                        dataSize = ds64DataSize;
                    }
                }
                default -> {
                }
            }
            if (fmt != null && dataOffset >= 0) {
                break;
            }
            if (id.equals("data") && (chunkSize == UNKNOWN_SIZE || chunkSize == 0)) {
                break; // a streamed file: the data runs to the end
            }
            position = body + chunkSize + (chunkSize & 1);
        }
        if (fmt == null) {
            throw AudioRejection.damaged("the WAV file has no format chunk");
        }
        if (dataOffset < 0) {
            throw AudioRejection.damaged("the WAV file has no data chunk");
        }
        long available = Math.max(0, size - dataOffset);
        if (dataSize < 0 || dataSize == UNKNOWN_SIZE || dataSize == 0 || dataSize > available) {
            dataSize = available;
        }
        return fmt.info(dataSize, factFrames);
    }

    /** The {@code fmt } chunk. */
    private record Fmt(int format, int channels, long sampleRate, long byteRate, int blockAlign, int bitsPerSample) {

        static Fmt read(AudioBytes in, long body, long size) {
            if (size < 16) {
                throw AudioRejection.damaged("the WAV format chunk is too short");
            }
            int format = in.u16le(body);
            int channels = in.u16le(body + 2);
            long sampleRate = in.u32le(body + 4);
            long byteRate = in.u32le(body + 8);
            int blockAlign = in.u16le(body + 12);
            int bits = in.u16le(body + 14);
            if (format == EXTENSIBLE && size >= 40) {
                int validBits = in.u16le(body + 18);
                format = in.u16le(body + 24); // the first two bytes of the sub-format GUID
                if (validBits > 0 && validBits <= bits) {
                    bits = validBits;
                }
            }
            return new Fmt(format, channels, sampleRate, byteRate, blockAlign, bits);
        }

        AudioInfo info(long dataSize, long factFrames) {
            if (channels < 1 || sampleRate < 1) {
                throw AudioRejection.damaged("the WAV format chunk states no channels or no sample rate");
            }
            boolean linear = format == PCM || format == IEEE_FLOAT;
            if (linear || format == ALAW || format == MULAW) {
                if (blockAlign < 1) {
                    throw AudioRejection.damaged("the WAV format chunk states no block alignment");
                }
                Integer depth = linear ? (Integer) bitsPerSample : (Integer) 8;
                if (linear && (bitsPerSample < 1 || bitsPerSample > 64)) {
                    throw AudioRejection.damaged("the WAV bit depth " + bitsPerSample + " is not plausible");
                }
                return AudioInfo.of(AudioFormat.WAV, (double) (dataSize / blockAlign), sampleRate, channels, depth);
            }
            if (factFrames >= 0) {
                return AudioInfo.of(AudioFormat.WAV, factFrames, sampleRate, channels, null);
            }
            if (byteRate < 1) {
                throw AudioRejection.damaged("the compressed WAV states neither its length nor its byte rate");
            }
            return AudioInfo.of(AudioFormat.WAV, (double) dataSize / byteRate * sampleRate, sampleRate, channels, null);
        }
    }
}
