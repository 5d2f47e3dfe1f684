package dev.dawg.assets.audio;

/**
 * What the audio itself says about a file: its container, length and sample layout. {@code bitDepth} is null
 * where the format has none (MP3, Vorbis, Opus and compressed WAV/AIFC).
 */
public record AudioInfo(AudioFormat format, double durationSeconds, int sampleRate, int channels, Integer bitDepth) {

    /** The largest length accepted as plausible: anything longer is a damaged or forged header. */
    public static final double MAX_DURATION_SECONDS = 7 * 24 * 3600;
    public static final int MAX_SAMPLE_RATE = 1_000_000;
    public static final int MAX_CHANNELS = 255;

    public AudioInfo {
        if (!(durationSeconds >= 0 && durationSeconds <= MAX_DURATION_SECONDS)) {
            throw AudioRejection.damaged("the stated length is not plausible");
        }
        if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
            throw AudioRejection.damaged("the sample rate " + sampleRate + " Hz is not plausible");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw AudioRejection.damaged("the channel count " + channels + " is not plausible");
        }
        if (bitDepth != null && (bitDepth < 1 || bitDepth > 64)) {
            throw AudioRejection.damaged("the bit depth " + bitDepth + " is not plausible");
        }
        // Microsecond precision: what a DAW timeline needs, and stable across platforms.
        durationSeconds = Math.round(durationSeconds * 1_000_000d) / 1_000_000d;
    }

    static AudioInfo of(AudioFormat format, double frames, double sampleRate, long channels, Integer bitDepth) {
        if (!(sampleRate >= 1 && sampleRate <= MAX_SAMPLE_RATE)) {
            throw AudioRejection.damaged("the sample rate is not plausible");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw AudioRejection.damaged("the channel count " + channels + " is not plausible");
        }
        return new AudioInfo(format, frames / sampleRate, (int) Math.round(sampleRate), (int) channels, bitDepth);
    }
}
