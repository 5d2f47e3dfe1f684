package dev.dawg.assets.system;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in sample library's sounds, synthesised: drums from pitch-swept sines and shaped noise, basses
 * and pads from detuned oscillators through a one-pole low-pass. Each is a 44.1 kHz 16-bit mono WAV, made
 * with {@link StrictMath} and a seeded generator so every node makes the same bytes.
 */
final class SampleSynth {

    static final int RATE = 44100;

    /** One built-in sample: its stable key, category and file name, and how to make it. */
    record Sample(String key, String category, String filename, Voice voice) {

        byte[] wav() {
            return SampleSynth.wav(voice.render());
        }
    }

    /** Renders samples in [-1, 1]. */
    @FunctionalInterface
    interface Voice {
        double[] render();
    }

    static final List<Sample> LIBRARY = List.of(
            new Sample("kick-808", "kick", "Kick 808.wav", () -> kick(150, 42, 0.9, 0.30, 0)),
            new Sample("kick-punch", "kick", "Kick Punch.wav", () -> kick(220, 55, 0.45, 0.09, 0.6)),
            new Sample("snare-tight", "snare", "Snare Tight.wav", () -> snare(190, 0.09, 0.30, 11)),
            new Sample("snare-fat", "snare", "Snare Fat.wav", () -> snare(160, 0.18, 0.50, 12)),
            new Sample("hat-closed", "hat", "Hat Closed.wav", () -> hat(0.035, 0.15, 21)),
            new Sample("hat-open", "hat", "Hat Open.wav", () -> hat(0.22, 0.60, 22)),
            new Sample("clap", "clap", "Clap.wav", () -> clap(31)),
            new Sample("perc-rim", "perc", "Rim.wav", () -> rim(41)),
            new Sample("bass-sub-c", "bass", "Sub Bass C1.wav", () -> bass(32.70, 0.0, 1.2)),
            new Sample("bass-saw-a", "bass", "Saw Bass A1.wav", () -> bass(55.0, 0.8, 1.0)),
            new Sample("pad-warm-cmaj", "pad", "Warm Pad C major.wav", () -> pad(new double[] { 261.63, 329.63, 392.00 }, 2.5)),
            new Sample("pad-dark-amin", "pad", "Dark Pad A minor.wav", () -> pad(new double[] { 110.00, 220.00, 261.63, 329.63 }, 3.0)));

    private SampleSynth() {
    }

    /** A sine swept from {@code startHz} down to {@code endHz}, with an optional noise click at the start. */
    static double[] kick(double startHz, double endHz, double seconds, double sweepSeconds, double click) {
        double[] out = new double[(int) (seconds * RATE)];
        SplittableRandom random = new SplittableRandom(1);
        double phase = 0;
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            double frequency = endHz + (startHz - endHz) * StrictMath.exp(-t / sweepSeconds * 4);
            phase += 2 * StrictMath.PI * frequency / RATE;
            double body = StrictMath.sin(phase) * StrictMath.exp(-t / seconds * 5);
            double tick = click * (random.nextDouble() * 2 - 1) * StrictMath.exp(-t / 0.004);
            out[i] = body + tick;
        }
        return out;
    }

    /** A short tone under high-passed noise. */
    static double[] snare(double toneHz, double toneDecay, double seconds, long seed) {
        double[] out = new double[(int) (seconds * RATE)];
        double[] noise = highPass(noise(out.length, seed), 0.7);
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            double tone = StrictMath.sin(2 * StrictMath.PI * toneHz * t) * StrictMath.exp(-t / toneDecay);
            out[i] = 0.6 * tone + 0.8 * noise[i] * StrictMath.exp(-t / (seconds / 4));
        }
        return out;
    }

    /** Strongly high-passed noise with a fast decay. */
    static double[] hat(double decay, double seconds, long seed) {
        double[] out = highPass(highPass(noise((int) (seconds * RATE), seed), 0.95), 0.95);
        for (int i = 0; i < out.length; i++) {
            out[i] *= StrictMath.exp(-((double) i / RATE) / decay);
        }
        return out;
    }

    /** Three quick noise bursts and a short tail. */
    static double[] clap(long seed) {
        double[] noise = highPass(noise((int) (0.4 * RATE), seed), 0.8);
        double[] out = new double[noise.length];
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            double envelope = 0;
            for (int burst = 0; burst < 3; burst++) {
                double start = burst * 0.011;
                if (t >= start) {
                    envelope = Math.max(envelope, StrictMath.exp(-(t - start) / (burst == 2 ? 0.09 : 0.006)));
                }
            }
            out[i] = noise[i] * envelope;
        }
        return out;
    }

    /** A woody click: two detuned sines and a breath of noise. */
    static double[] rim(long seed) {
        double[] out = new double[(int) (0.15 * RATE)];
        double[] noise = noise(out.length, seed);
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            out[i] = (StrictMath.sin(2 * StrictMath.PI * 820 * t) + 0.7 * StrictMath.sin(2 * StrictMath.PI * 1330 * t)
                    + 0.3 * noise[i]) * StrictMath.exp(-t / 0.02);
        }
        return out;
    }

    /** A sine ({@code saw} 0) or a sawtooth-heavy ({@code saw} up to 1) note, low-passed, with a soft release. */
    static double[] bass(double hz, double saw, double seconds) {
        double[] out = new double[(int) (seconds * RATE)];
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            double cycle = (hz * t) % 1.0;
            double sine = StrictMath.sin(2 * StrictMath.PI * cycle);
            double sawtooth = 2 * cycle - 1;
            double attack = Math.min(1, t / 0.005);
            double release = Math.min(1, (seconds - t) / 0.15);
            out[i] = ((1 - saw) * sine + saw * sawtooth) * attack * release;
        }
        return lowPass(out, 0.08);
    }

    /** Detuned sawtooth pairs for each note of a chord, slow attack and release, low-passed. */
    static double[] pad(double[] chord, double seconds) {
        double[] out = new double[(int) (seconds * RATE)];
        for (int i = 0; i < out.length; i++) {
            double t = (double) i / RATE;
            double sum = 0;
            for (double hz : chord) {
                for (double detune : new double[] { 0.996, 1.004 }) {
                    sum += 2 * ((hz * detune * t) % 1.0) - 1;
                }
            }
            double envelope = Math.min(1, t / 0.6) * Math.min(1, (seconds - t) / 0.8);
            out[i] = sum / (chord.length * 2) * envelope;
        }
        return lowPass(lowPass(out, 0.05), 0.05);
    }

    private static double[] noise(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = random.nextDouble() * 2 - 1;
        }
        return out;
    }

    private static double[] highPass(double[] in, double a) {
        double[] out = new double[in.length];
        double previousIn = 0;
        double previousOut = 0;
        for (int i = 0; i < in.length; i++) {
            previousOut = a * (previousOut + in[i] - previousIn);
            previousIn = in[i];
            out[i] = previousOut;
        }
        return out;
    }

    private static double[] lowPass(double[] in, double a) {
        double[] out = new double[in.length];
        double state = 0;
        for (int i = 0; i < in.length; i++) {
            state += a * (in[i] - state);
            out[i] = state;
        }
        return out;
    }

    /** Normalises to -2 dBFS, fades the last 2 ms out, and writes a 16-bit mono PCM WAV. */
    static byte[] wav(double[] samples) {
        double peak = 1e-9;
        for (double sample : samples) {
            peak = Math.max(peak, Math.abs(sample));
        }
        double gain = 0.794 / peak;
        int fade = Math.min(samples.length, RATE / 500);
        ByteBuffer out = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + samples.length * 2)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(samples.length * 2);
        for (int i = 0; i < samples.length; i++) {
            double fadeOut = i >= samples.length - fade ? (double) (samples.length - 1 - i) / fade : 1;
            out.putShort((short) Math.round(samples[i] * gain * fadeOut * 32767));
        }
        return out.array();
    }
}
