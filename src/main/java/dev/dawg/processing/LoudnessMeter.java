package dev.dawg.processing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * EBU R128 / ITU-R BS.1770-4 loudness of interleaved float samples, measured as they are decoded: K-weighting,
 * 400 ms momentary blocks (75 % overlap) gated at -70 LUFS and -10 LU for the integrated loudness, 3 s short-term
 * blocks gated at -70 LUFS and -20 LU for the loudness range (EBU Tech 3342), and the true peak from a 4x
 * oversampled signal (BS.1770 Annex 2). Computed here rather than with FFmpeg's ebur128 filter because it runs in
 * the same single decoding pass as the peaks and the preview, and its result is plain numbers rather than frame
 * metadata to parse.
 */
final class LoudnessMeter {

    private static final double ABSOLUTE_GATE = -70.0;
    private static final int TRUE_PEAK_TAPS = 12;

    private final int channels;
    private final double[] weights;
    private final int stepSamples;
    private final Biquad[] shelf;
    private final Biquad[] highPass;
    /** Weighted energy of each completed 100 ms step (sum over channels of G * sum of squares). */
    private double[] steps = new double[1024];
    private int stepCount;
    private double currentStep;
    private int currentStepSamples;
    private long frames;

    private final int oversampling;
    private final double[][] phaseTaps;
    /** The last samples of each channel, a ring indexed by the frame number, for the true-peak interpolation. */
    private final float[][] history;
    /** The largest sum of absolute taps of a phase: no interpolated point exceeds the window's largest sample times this. */
    private final double maxGain;
    private double peak;

    LoudnessMeter(int sampleRate, int channels) {
        this.channels = channels;
        this.weights = new double[channels];
        for (int c = 0; c < channels; c++) {
            // BS.1770 channel weights for 5.1 (L R C LFE Ls Rs): surrounds count 1.41, the LFE not at all.
            weights[c] = channels >= 6 && c == 3 ? 0.0 : channels >= 5 && c >= 4 ? 1.41 : 1.0;
        }
        this.stepSamples = Math.max(1, sampleRate / 10);
        this.shelf = new Biquad[channels];
        this.highPass = new Biquad[channels];
        for (int c = 0; c < channels; c++) {
            shelf[c] = Biquad.shelf(sampleRate);
            highPass[c] = Biquad.highPass(sampleRate);
        }
        this.oversampling = sampleRate < 96_000 ? 4 : sampleRate < 192_000 ? 2 : 1;
        this.phaseTaps = new double[oversampling][TRUE_PEAK_TAPS];
        for (int p = 1; p < oversampling; p++) {
            double fraction = (double) p / oversampling;
            for (int k = 0; k < TRUE_PEAK_TAPS; k++) {
                // Hann-windowed sinc: the point lies between the samples TAPS/2 and TAPS/2 - 1 frames old; tap k weighs the one TAPS-1-k old.
                double distance = fraction + (TRUE_PEAK_TAPS / 2 - 1) - k;
                double window = 0.5 * (1 + Math.cos(Math.PI * distance / (TRUE_PEAK_TAPS / 2.0)));
                phaseTaps[p][k] = sinc(distance) * window;
            }
        }
        this.history = new float[channels][2 * TRUE_PEAK_TAPS];
        double gain = 1;
        for (double[] taps : phaseTaps) {
            gain = Math.max(gain, java.util.Arrays.stream(taps).map(Math::abs).sum());
        }
        this.maxGain = gain;
    }

    /** Adds {@code frames} interleaved frames from {@code samples} (as decoded, full scale 1.0). */
    void add(float[] samples, int frameCount) {
        for (int f = 0; f < frameCount; f++) {
            double energy = 0;
            int base = f * channels;
            for (int c = 0; c < channels; c++) {
                float x = samples[base + c];
                double y = highPass[c].apply(shelf[c].apply(x));
                energy += weights[c] * y * y;
                truePeak(c, x, (int) (frames % TRUE_PEAK_TAPS));
            }
            frames++;
            currentStep += energy;
            if (++currentStepSamples == stepSamples) {
                if (stepCount == steps.length) {
                    steps = Arrays.copyOf(steps, steps.length * 2);
                }
                steps[stepCount++] = currentStep;
                currentStep = 0;
                currentStepSamples = 0;
            }
        }
    }

    /**
     * Records sample {@code x} at ring {@code position} and raises the peak to it and to the points interpolated before
     * it. The interpolation is skipped when no point of the window could pass the peak found so far (the window's
     * largest sample times the largest sum of a phase's absolute taps bounds them).
     */
    private void truePeak(int channel, float x, int position) {
        float[] h = history[channel];
        // Each sample is kept twice, so the window (oldest first) is h[position + 1 .. position + TAPS] without wrapping.
        h[position] = x;
        h[position + TRUE_PEAK_TAPS] = x;
        double magnitude = Math.abs(x);
        if (magnitude > peak) {
            peak = magnitude;
        }
        if (oversampling == 1) {
            return;
        }
        float windowMax = 0;
        for (int k = 1; k <= TRUE_PEAK_TAPS; k++) {
            windowMax = Math.max(windowMax, Math.abs(h[position + k]));
        }
        if (windowMax * maxGain <= peak) {
            return;
        }
        for (int p = 1; p < oversampling; p++) {
            double sum = 0;
            double[] taps = phaseTaps[p];
            for (int k = 0; k < TRUE_PEAK_TAPS; k++) {
                sum += taps[k] * h[position + 1 + k];
            }
            peak = Math.max(peak, Math.abs(sum));
        }
    }

    /** The measurement of everything added. */
    Loudness result(int sampleRate) {
        Double integrated = integrated();
        return new Loudness(integrated, integrated == null ? null : range(), peak == 0 ? null : 20 * Math.log10(peak),
                (double) frames / sampleRate);
    }

    /** Integrated loudness in LUFS; null when no block passes the absolute gate (silence, or shorter than 400 ms). */
    private Double integrated() {
        List<Double> blocks = blockEnergies(4);
        double sum = 0;
        int count = 0;
        for (double z : blocks) {
            if (lufs(z) > ABSOLUTE_GATE) {
                sum += z;
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        double relativeGate = lufs(sum / count) - 10;
        double gatedSum = 0;
        int gatedCount = 0;
        for (double z : blocks) {
            double l = lufs(z);
            if (l > ABSOLUTE_GATE && l > relativeGate) {
                gatedSum += z;
                gatedCount++;
            }
        }
        return lufs(gatedSum / gatedCount);
    }

    /** Loudness range in LU: the spread between the 10th and 95th percentiles of the gated 3 s blocks. */
    private double range() {
        List<Double> blocks = blockEnergies(30);
        List<Double> loud = new ArrayList<>();
        double sum = 0;
        for (double z : blocks) {
            if (lufs(z) > ABSOLUTE_GATE) {
                loud.add(z);
                sum += z;
            }
        }
        if (loud.isEmpty()) {
            return 0;
        }
        double relativeGate = lufs(sum / loud.size()) - 20;
        double[] gated = loud.stream().mapToDouble(LoudnessMeter::lufs).filter(l -> l > relativeGate).sorted().toArray();
        if (gated.length == 0) {
            return 0;
        }
        return gated[(int) Math.round((gated.length - 1) * 0.95)] - gated[(int) Math.round((gated.length - 1) * 0.10)];
    }

    /** Mean weighted energy of each block of {@code stepsPerBlock} 100 ms steps, one block per step. */
    private List<Double> blockEnergies(int stepsPerBlock) {
        List<Double> blocks = new ArrayList<>();
        double window = 0;
        for (int i = 0; i < stepCount; i++) {
            window += steps[i];
            if (i >= stepsPerBlock) {
                window -= steps[i - stepsPerBlock];
            }
            if (i >= stepsPerBlock - 1) {
                blocks.add(Math.max(0, window) / ((double) stepsPerBlock * stepSamples));
            }
        }
        return blocks;
    }

    private static double lufs(double meanSquare) {
        return meanSquare <= 0 ? Double.NEGATIVE_INFINITY : -0.691 + 10 * Math.log10(meanSquare);
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /**
     * The measurement: integrated loudness (LUFS) and loudness range (LU), null for silence; true peak (dBTP), null
     * when every sample is zero; the duration of the decoded audio.
     */
    record Loudness(Double integratedLufs, Double rangeLu, Double truePeakDbtp, double decodedDurationSeconds) {
    }

    /** One second-order section of the K-weighting filter (transposed direct form II), coefficients after libebur128. */
    private static final class Biquad {

        private final double b0, b1, b2, a1, a2;
        private double z1, z2;

        private Biquad(double b0, double b1, double b2, double a1, double a2) {
            this.b0 = b0;
            this.b1 = b1;
            this.b2 = b2;
            this.a1 = a1;
            this.a2 = a2;
        }

        /** The high-frequency shelf (+4 dB), stage 1 of BS.1770's K-weighting, at {@code rate}. */
        static Biquad shelf(int rate) {
            double f0 = 1681.974450955533;
            double gain = 3.999843853973347;
            double q = 0.7071752369554196;
            double k = Math.tan(Math.PI * f0 / rate);
            double vh = Math.pow(10.0, gain / 20.0);
            double vb = Math.pow(vh, 0.4996667741545416);
            double a0 = 1.0 + k / q + k * k;
            return new Biquad((vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
                    2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0);
        }

        /** The RLB high-pass, stage 2 of the K-weighting, at {@code rate}. */
        static Biquad highPass(int rate) {
            double f0 = 38.13547087602444;
            double q = 0.5003270373238773;
            double k = Math.tan(Math.PI * f0 / rate);
            double a0 = 1.0 + k / q + k * k;
            return new Biquad(1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0);
        }

        double apply(double x) {
            double y = b0 * x + z1;
            z1 = b1 * x - a1 * y + z2;
            z2 = b2 * x - a2 * y;
            return y;
        }
    }
}
