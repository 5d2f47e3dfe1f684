package dev.dawg.processing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Waveform peaks at one zoom level in BBC audiowaveform's data format (version 2, 16 bits), which peaks.js and
 * wavesurfer load directly: for each pixel of {@code samplesPerPixel} frames, the minimum and maximum of every
 * channel. {@code data} holds them interleaved as the format does: pixel by pixel, channel by channel, min then max.
 */
record WaveformPeaks(int sampleRate, int channels, int samplesPerPixel, int length, short[] data) {

    static final int VERSION = 2;
    static final int BITS = 16;

    /** The peaks of {@code factor} times as many samples per pixel, each pixel merging {@code factor} of these. */
    WaveformPeaks zoomOut(int factor) {
        int zoomed = (length + factor - 1) / factor;
        short[] merged = new short[zoomed * channels * 2];
        for (int pixel = 0; pixel < zoomed; pixel++) {
            for (int c = 0; c < channels; c++) {
                short min = Short.MAX_VALUE;
                short max = Short.MIN_VALUE;
                for (int p = pixel * factor; p < Math.min(length, (pixel + 1) * factor); p++) {
                    min = (short) Math.min(min, data[(p * channels + c) * 2]);
                    max = (short) Math.max(max, data[(p * channels + c) * 2 + 1]);
                }
                merged[(pixel * channels + c) * 2] = min;
                merged[(pixel * channels + c) * 2 + 1] = max;
            }
        }
        return new WaveformPeaks(sampleRate, channels, samplesPerPixel * factor, zoomed, merged);
    }

    /** The binary {@code .dat} file: a 24-byte little-endian header, then the 16-bit data. */
    byte[] dat() {
        ByteBuffer out = ByteBuffer.allocate(24 + data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(VERSION).putInt(0) // flags: bit 0 clear means 16-bit data
                .putInt(sampleRate).putInt(samplesPerPixel).putInt(length).putInt(channels);
        for (short value : data) {
            out.putShort(value);
        }
        return out.array();
    }

    /** The JSON file: the same header members and the data as one array. */
    byte[] json() {
        StringBuilder out = new StringBuilder(64 + data.length * 6);
        out.append("{\"version\":").append(VERSION).append(",\"channels\":").append(channels).append(",\"sample_rate\":").append(sampleRate)
                .append(",\"samples_per_pixel\":").append(samplesPerPixel).append(",\"bits\":").append(BITS).append(",\"length\":")
                .append(length).append(",\"data\":[");
        for (int i = 0; i < data.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(data[i]);
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Collects the finest peaks frame by frame as audio is decoded. */
    static final class Builder {

        private final int sampleRate;
        private final int channels;
        private final int samplesPerPixel;
        private final float[] min;
        private final float[] max;
        private int inPixel;
        private short[] data = new short[4096];
        private int size;

        Builder(int sampleRate, int channels, int samplesPerPixel) {
            this.sampleRate = sampleRate;
            this.channels = channels;
            this.samplesPerPixel = samplesPerPixel;
            this.min = new float[channels];
            this.max = new float[channels];
            reset();
        }

        void add(float[] interleaved, int frames) {
            for (int f = 0; f < frames; f++) {
                for (int c = 0; c < channels; c++) {
                    float x = interleaved[f * channels + c];
                    min[c] = Math.min(min[c], x);
                    max[c] = Math.max(max[c], x);
                }
                if (++inPixel == samplesPerPixel) {
                    flush();
                }
            }
        }

        WaveformPeaks build() {
            if (inPixel > 0) {
                flush();
            }
            return new WaveformPeaks(sampleRate, channels, samplesPerPixel, size / (channels * 2), Arrays.copyOf(data, size));
        }

        private void flush() {
            if (size + channels * 2 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            for (int c = 0; c < channels; c++) {
                data[size++] = toShort(min[c]);
                data[size++] = toShort(max[c]);
            }
            reset();
        }

        private void reset() {
            Arrays.fill(min, Float.POSITIVE_INFINITY);
            Arrays.fill(max, Float.NEGATIVE_INFINITY);
            inPixel = 0;
        }

        private static short toShort(float x) {
            return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(x * 32767.0)));
        }
    }
}
