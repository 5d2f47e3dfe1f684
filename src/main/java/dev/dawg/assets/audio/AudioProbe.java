package dev.dawg.assets.audio;

import java.util.Optional;

/**
 * Recognises audio by its first bytes and reads its metadata from the audio itself. Everything a file can
 * do wrong ends in an {@link AudioRejection}: bad input never throws anything else and never makes a reader
 * fetch more than {@link #MAX_FETCHES} blocks.
 */
public final class AudioProbe {

    /** How many bytes {@link #sniff} needs to decide (fewer only when the file is shorter). */
    public static final int SNIFF_LENGTH = 12;
    /** At most this many 64 KiB blocks (16 MiB) are read to probe one file. */
    static final int MAX_FETCHES = 256;

    private AudioProbe() {
    }

    /**
     * The format the first bytes announce, or empty when they are none of the accepted ones. {@link #probe}
     * decides for good (an ID3 tag may hide FLAC, or nothing at all); this is the cheap early check.
     */
    public static Optional<AudioFormat> sniff(byte[] head) {
        if (head.length >= 12 && (startsWith(head, 0, "RIFF") || startsWith(head, 0, "RF64")) && startsWith(head, 8, "WAVE")) {
            return Optional.of(AudioFormat.WAV);
        }
        if (head.length >= 12 && startsWith(head, 0, "FORM") && (startsWith(head, 8, "AIFF") || startsWith(head, 8, "AIFC"))) {
            return Optional.of(AudioFormat.AIFF);
        }
        if (startsWith(head, 0, "fLaC")) {
            return Optional.of(AudioFormat.FLAC);
        }
        if (startsWith(head, 0, "OggS")) {
            return Optional.of(AudioFormat.OGG);
        }
        if (startsWith(head, 0, "ID3") && head.length >= 10 && head[3] >= 2 && head[3] <= 4) {
            return Optional.of(AudioFormat.MP3);
        }
        if (head.length >= 4 && Mp3Reader.Frame.decode(AudioBytes.u32be(head, 0)) != null) {
            return Optional.of(AudioFormat.MP3);
        }
        return Optional.empty();
    }

    /** The metadata of the audio in {@code source}; an {@link AudioRejection} when it is not readable audio. */
    public static AudioInfo probe(AudioSource source) {
        AudioBytes in = new AudioBytes(source, MAX_FETCHES);
        if (in.size() == 0) {
            throw AudioRejection.notAudio("the file is empty");
        }
        byte[] head = in.upTo(0, SNIFF_LENGTH);
        AudioFormat format = sniff(head)
                .orElseThrow(() -> AudioRejection.notAudio("the content is not WAV, AIFF, FLAC, MP3 or OGG audio"));
        return switch (format) {
            case WAV -> WavReader.read(in);
            case AIFF -> AiffReader.read(in);
            case FLAC -> FlacReader.read(in, 0);
            case OGG -> OggReader.read(in);
            case MP3 -> startsWith(head, 0, "ID3") ? afterId3(in) : Mp3Reader.read(in, 0);
        };
    }

    /** What follows one or more ID3v2 tags: FLAC (some taggers prepend one) or MPEG frames. */
    private static AudioInfo afterId3(AudioBytes in) {
        long position = 0;
        for (int tags = 0; tags < 8 && in.matches(position, "ID3"); tags++) {
            byte[] header = in.bytes(position, 10);
            int size = 0;
            for (int i = 6; i < 10; i++) {
                if ((header[i] & 0x80) != 0) {
                    throw AudioRejection.damaged("the ID3 tag size is not a sync-safe integer");
                }
                size = (size << 7) | header[i];
            }
            boolean footer = (header[5] & 0x10) != 0;
            position += 10 + (long) size + (footer ? 10 : 0);
        }
        if (position >= in.size()) {
            throw AudioRejection.notAudio("the file holds an ID3 tag and no audio");
        }
        if (in.matches(position, "fLaC")) {
            return FlacReader.read(in, position);
        }
        return Mp3Reader.read(in, position);
    }

    private static boolean startsWith(byte[] bytes, int offset, String tag) {
        if (bytes.length < offset + tag.length()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (bytes[offset + i] != (byte) tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
