package dev.dawg.processing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Audio of known content for the processing tests: a sine of known frequency and peak level, silence and a
 * clipped sine, as interleaved float samples, written as 16-bit WAV and AIFF here and encoded to FLAC, MP3 and
 * Ogg Vorbis with FFmpeg (the same javacv build the server uses).
 */
public final class TestAudio {

    private TestAudio() {
    }

    /** The formats the server accepts, with their file extensions. */
    public enum Format {
        WAV("wav"), AIFF("aiff"), FLAC("flac"), MP3("mp3"), OGG("ogg");

        public final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    /** A signal: its samples (interleaved), rate and channels. */
    public record Signal(float[] samples, int sampleRate, int channels) {

        public int frames() {
            return samples.length / channels;
        }

        public double seconds() {
            return (double) frames() / sampleRate;
        }
    }

    /** A sine of {@code frequency} Hz with peak {@code peakDbfs} on every channel, clipped to full scale if louder. */
    public static Signal sine(double frequency, double peakDbfs, double seconds, int sampleRate, int channels) {
        double amplitude = Math.pow(10, peakDbfs / 20);
        int frames = (int) Math.round(seconds * sampleRate);
        float[] samples = new float[frames * channels];
        for (int f = 0; f < frames; f++) {
            double x = amplitude * Math.sin(2 * Math.PI * frequency * f / sampleRate);
            float clipped = (float) Math.max(-1.0, Math.min(1.0, x));
            for (int c = 0; c < channels; c++) {
                samples[f * channels + c] = clipped;
            }
        }
        return new Signal(samples, sampleRate, channels);
    }

    public static Signal silence(double seconds, int sampleRate, int channels) {
        return new Signal(new float[(int) Math.round(seconds * sampleRate) * channels], sampleRate, channels);
    }

    /** The signal as a file of {@code format}. */
    public static byte[] encode(Signal signal, Format format) {
        return switch (format) {
            case WAV -> wav(signal);
            case AIFF -> aiff(signal);
            case FLAC -> ffmpeg(signal, "flac", avcodec.AV_CODEC_ID_FLAC, 0);
            case MP3 -> ffmpeg(signal, "mp3", avcodec.AV_CODEC_ID_MP3, 192_000);
            case OGG -> ffmpeg(signal, "ogg", avcodec.AV_CODEC_ID_VORBIS, 160_000);
        };
    }

    /** 16-bit PCM WAV. */
    public static byte[] wav(Signal signal) {
        int dataBytes = signal.samples().length * 2;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
        out.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) signal.channels()).putInt(signal.sampleRate())
                .putInt(signal.sampleRate() * signal.channels() * 2).putShort((short) (signal.channels() * 2)).putShort((short) 16);
        out.put("data".getBytes()).putInt(dataBytes);
        for (float x : signal.samples()) {
            out.putShort(pcm16(x));
        }
        return out.array();
    }

    /** 16-bit PCM AIFF (big-endian, the sample rate as an 80-bit extended float). */
    public static byte[] aiff(Signal signal) {
        int dataBytes = signal.samples().length * 2;
        ByteBuffer out = ByteBuffer.allocate(54 + dataBytes).order(ByteOrder.BIG_ENDIAN);
        out.put("FORM".getBytes()).putInt(46 + dataBytes).put("AIFF".getBytes());
        out.put("COMM".getBytes()).putInt(18).putShort((short) signal.channels()).putInt(signal.frames()).putShort((short) 16);
        out.put(extended(signal.sampleRate()));
        out.put("SSND".getBytes()).putInt(8 + dataBytes).putInt(0).putInt(0);
        for (float x : signal.samples()) {
            out.putShort(pcm16(x));
        }
        return out.array();
    }

    private static short pcm16(float x) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(x * 32767.0)));
    }

    /** An integer as an IEEE 754 80-bit extended float, as AIFF stores its sample rate. */
    private static byte[] extended(int value) {
        int exponent = 16383 + 31 - Integer.numberOfLeadingZeros(value);
        long mantissa = ((long) value) << (63 - (31 - Integer.numberOfLeadingZeros(value)));
        return ByteBuffer.allocate(10).putShort((short) exponent).putLong(mantissa).array();
    }

    private static byte[] ffmpeg(Signal signal, String container, int codec, int bitrate) {
        try {
            Path file = Files.createTempFile("dawg-test-audio", "." + container);
            try {
                try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), signal.channels())) {
                    recorder.setFormat(container);
                    recorder.setAudioCodec(codec);
                    recorder.setSampleRate(signal.sampleRate());
                    recorder.setAudioChannels(signal.channels());
                    if (bitrate > 0) {
                        recorder.setAudioBitrate(bitrate);
                    }
                    // FFmpeg's own Vorbis encoder (the build has no libvorbis) is marked experimental.
                    recorder.setAudioOption("strict", "experimental");
                    recorder.start();
                    int chunk = 4096 * signal.channels();
                    for (int i = 0; i < signal.samples().length; i += chunk) {
                        int length = Math.min(chunk, signal.samples().length - i);
                        // A copy: JavaCPP reads a heap buffer's array from its start, whatever the buffer's offset.
                        recorder.recordSamples(signal.sampleRate(), signal.channels(),
                                FloatBuffer.wrap(Arrays.copyOfRange(signal.samples(), i, i + length)));
                    }
                    recorder.stop();
                }
                return Files.readAllBytes(file);
            }
            finally {
                Files.deleteIfExists(file);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code first} followed by {@code second}: a real header before bytes that are not audio. */
    static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
