package dev.dawg.processing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.dawg.processing.TestAudio.Format;
import dev.dawg.processing.TestAudio.Signal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long processing takes for a 5-minute 44.1 kHz stereo WAV and the same as a 192 kbit/s MP3, on one worker
 * thread, and how large the preview is next to the original. Run only when asked (src/load/processing-benchmark.sh):
 * {@code ./mvnw -o test -Dtest=ProcessingBenchmark -Dsurefire.excludedGroups=}.
 */
@Tag("benchmark")
class ProcessingBenchmark {

    @TempDir
    Path dir;

    @Test
    void shouldProcessFiveMinutesWithinTenSecondsOnOneCore() throws Exception {
        Signal music = music(300, 44_100);
        report("WAV 5 min 44.1 kHz 16-bit stereo", TestAudio.wav(music));
        report("MP3 5 min 44.1 kHz stereo 192 kbit/s", TestAudio.encode(music, Format.MP3));
    }

    private void report(String name, byte[] original) throws Exception {
        Path source = dir.resolve("source");
        Path preview = dir.resolve("preview.ogg");
        Files.write(source, original);
        AudioAnalyser.analyse(source, preview, () -> false); // warms the natives and the JIT up
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long wall = System.nanoTime();
        long thread = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        AudioAnalyser.Analysis analysis = AudioAnalyser.analyse(source, preview, () -> false);
        double seconds = (System.nanoTime() - wall) / 1e9;
        double threadCpu = (threads.getCurrentThreadCpuTime() - thread) / 1e9;
        double processCpu = (os.getProcessCpuTime() - process) / 1e9;
        long previewBytes = Files.size(preview);
        System.out.printf("PROCESSING %s: %.2f s wall, %.2f s CPU on the worker thread, %.2f s CPU in the whole JVM (%.2f cores);"
                        + " original %d bytes, preview %d bytes (%.1f%%); %.1f LUFS, LRA %.1f LU, true peak %.1f dBTP, %.3f s decoded%n",
                name, seconds, threadCpu, processCpu, processCpu / seconds, original.length, previewBytes,
                100.0 * previewBytes / original.length, analysis.loudness().integratedLufs(), analysis.loudness().rangeLu(),
                analysis.loudness().truePeakDbtp(), analysis.loudness().decodedDurationSeconds());
        assertThat(analysis.loudness().decodedDurationSeconds()).isGreaterThan(299.9);
    }

    /** Five minutes of something like music: a chord whose level moves, with a little noise, in stereo. */
    private static Signal music(int seconds, int rate) {
        Random random = new Random(19);
        float[] samples = new float[seconds * rate * 2];
        for (int f = 0; f < seconds * rate; f++) {
            double t = (double) f / rate;
            double envelope = 0.35 + 0.25 * Math.sin(2 * Math.PI * t / 20);
            double chord = Math.sin(2 * Math.PI * 220 * t) + 0.6 * Math.sin(2 * Math.PI * 277.2 * t) + 0.5 * Math.sin(2 * Math.PI * 329.6 * t);
            double left = envelope * chord / 2.1 + 0.02 * random.nextGaussian();
            double right = envelope * (0.8 * chord + 0.2 * Math.sin(2 * Math.PI * 110 * t)) / 2.1 + 0.02 * random.nextGaussian();
            samples[f * 2] = (float) left;
            samples[f * 2 + 1] = (float) right;
        }
        return new Signal(samples, rate, 2);
    }
}
