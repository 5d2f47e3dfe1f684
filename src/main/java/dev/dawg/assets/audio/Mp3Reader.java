package dev.dawg.assets.audio;

/**
 * MPEG audio Layer III. The first frame is found after any ID3v2 tag and confirmed by the frame that follows
 * it; the length then comes from a Xing/Info or VBRI header (less the encoder delay and padding a LAME tag
 * states), else from counting the frames of a file small enough to scan, else from the bit rate (CBR).
 */
final class Mp3Reader {

    private static final int[] BITRATES_V1_L3 = { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1 };
    private static final int[] BITRATES_V2_L3 = { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1 };
    private static final int[] SAMPLE_RATES_V1 = { 44100, 48000, 32000, -1 };
    /** How far past the tag the first frame is looked for (tag padding, junk). */
    private static final int SYNC_SEARCH = 64 * 1024;

    private Mp3Reader() {
    }

    /** One frame header, decoded. */
    record Frame(int version, int bitrate, int sampleRate, int channels, boolean padding, int samples, int length) {

        /** MPEG version: 1, 2 or 25 (for 2.5). */
        static Frame decode(long header) {
            if ((header & 0xFFE00000L) != 0xFFE00000L) {
                return null;
            }
            int versionBits = (int) (header >>> 19) & 0x3;
            int layerBits = (int) (header >>> 17) & 0x3;
            int bitrateIndex = (int) (header >>> 12) & 0xF;
            int rateIndex = (int) (header >>> 10) & 0x3;
            if (versionBits == 1 || layerBits != 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
                return null; // reserved version, not Layer III, free-format or bad bit rate, reserved rate
            }
            int version = versionBits == 3 ? 1 : versionBits == 2 ? 2 : 25;
            int bitrate = (version == 1 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex] * 1000;
            int sampleRate = SAMPLE_RATES_V1[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
            boolean padding = ((header >>> 9) & 1) == 1;
            int channels = ((header >>> 6) & 0x3) == 3 ? 1 : 2;
            int samples = version == 1 ? 1152 : 576;
            int length = (samples / 8) * bitrate / sampleRate + (padding ? 1 : 0);
            return new Frame(version, bitrate, sampleRate, channels, padding, samples, length);
        }

        boolean sameStream(Frame other) {
            return other != null && other.version == version && other.sampleRate == sampleRate;
        }

        /** Where a Xing/Info header starts inside the frame: after the 4-byte header and the side information. */
        int xingOffset() {
            if (version == 1) {
                return channels == 1 ? 4 + 17 : 4 + 32;
            }
            return channels == 1 ? 4 + 9 : 4 + 17;
        }
    }

    static AudioInfo read(AudioBytes in, long start) {
        long first = findFirstFrame(in, start);
        if (first < 0) {
            throw AudioRejection.notAudio("no MPEG audio frames found");
        }
        Frame frame = Frame.decode(in.u32be(first));
        long end = audioEnd(in);

        Double fromHeader = vbrHeaderFrames(in, first, frame, end);
        double samples;
        if (fromHeader != null) {
            samples = fromHeader;
        }
        else if (in.canReadAll(first)) {
            samples = countFrameSamples(in, first, frame, end);
        }
        else {
            samples = (double) (end - first) * 8 / frame.bitrate() * frame.sampleRate();
        }
        return AudioInfo.of(AudioFormat.MP3, samples, frame.sampleRate(), frame.channels(), null);
    }

    /** The first position from {@code start} holding a frame followed by another of the same stream (or the end). */
    private static long findFirstFrame(AudioBytes in, long start) {
        byte[] window = in.upTo(start, SYNC_SEARCH + 4);
        for (int i = 0; i + 4 <= window.length; i++) {
            if ((window[i] & 0xFF) != 0xFF) {
                continue;
            }
            Frame frame = Frame.decode(AudioBytes.u32be(window, i));
            if (frame == null) {
                continue;
            }
            long next = start + i + frame.length();
            if (next == in.size()) {
                return start + i;
            }
            byte[] header = in.upTo(next, 4);
            if (header.length == 4 && frame.sameStream(Frame.decode(AudioBytes.u32be(header, 0)))) {
                return start + i;
            }
        }
        return -1;
    }

    /** The end of the audio: before an ID3v1 tag ({@code TAG} in the last 128 bytes), if any. */
    private static long audioEnd(AudioBytes in) {
        long size = in.size();
        return size >= 128 && in.matches(size - 128, "TAG") ? size - 128 : size;
    }

    /** Samples stated by a Xing/Info or VBRI header in the first frame; null when there is none. */
    private static Double vbrHeaderFrames(AudioBytes in, long first, Frame frame, long end) {
        long xing = first + frame.xingOffset();
        long maxFrames = Math.max(1, (end - first) / 24); // no Layer III frame is shorter than 24 bytes
        if (in.matches(xing, "Xing") || in.matches(xing, "Info")) {
            long flags = in.u32be(xing + 4);
            if ((flags & 0x1) == 0) {
                return null;
            }
            long frames = in.u32be(xing + 8);
            if (frames < 1 || frames > maxFrames) {
                return null;
            }
            long lame = xing + 8 + 4 + ((flags & 0x2) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 100 : 0) + ((flags & 0x8) != 0 ? 4 : 0);
            double samples = (double) frames * frame.samples();
            if (in.matches(lame, "LAME") || in.matches(lame, "Lavc") || in.matches(lame, "Lavf")) {
                byte[] gap = in.upTo(lame + 21, 3);
                if (gap.length == 3) {
                    int delay = (gap[0] & 0xFF) << 4 | (gap[1] & 0xF0) >> 4;
                    int padding = (gap[1] & 0x0F) << 8 | (gap[2] & 0xFF);
                    if (delay + padding < samples) {
                        samples -= delay + padding;
                    }
                }
            }
            return samples;
        }
        long vbri = first + 4 + 32;
        if (in.matches(vbri, "VBRI")) {
            long frames = in.u32be(vbri + 14);
            if (frames >= 1 && frames <= maxFrames) {
                return (double) frames * frame.samples();
            }
        }
        return null;
    }

    /** Walks the frames one by one until the stream ends or stops looking like one. */
    private static double countFrameSamples(AudioBytes in, long first, Frame firstFrame, long end) {
        long position = first;
        double samples = 0;
        while (position + 4 <= end) {
            Frame frame = Frame.decode(in.u32be(position));
            if (frame == null || !firstFrame.sameStream(frame)) {
                break;
            }
            samples += frame.samples();
            position += frame.length();
        }
        return samples;
    }
}
