package dev.dawg.processing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.dawg.processing.TestAudio.Format;
import dev.dawg.processing.TestAudio.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** One decoding pass over generated audio of known content, in every accepted format: peaks, loudness, preview. */
class AudioAnalyserTest {

    private static final int RATE = 44_100;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldMeasureASineOfKnownLevel(Format format) throws Exception {
        // EBU Tech 3341 case 1: a 1 kHz stereo sine at -23 dBFS reads -23 LUFS; at -20 dBFS, -20 LUFS.
        Signal sine = TestAudio.sine(1000, -20, 4.0, RATE, 2);
        AudioAnalyser.Analysis analysis = analyse(sine, format);

        assertThat(analysis.loudness().integratedLufs()).isCloseTo(-20.0, within(0.5));
        assertThat(analysis.loudness().rangeLu()).isCloseTo(0.0, within(0.5));
        assertThat(analysis.loudness().truePeakDbtp()).isCloseTo(-20.0, within(0.5));
        assertThat(analysis.loudness().decodedDurationSeconds()).isCloseTo(sine.seconds(), within(0.06));
        assertThat(analysis.channels()).isEqualTo(2);
        short amplitude = (short) Math.round(Math.pow(10, -20 / 20.0) * 32767);
        assertPeaks(analysis, sine, amplitude, (short) (amplitude / 20 + 40));
        assertPreviewDuration(sine);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldFindSilenceSilent(Format format) throws Exception {
        Signal silence = TestAudio.silence(2.0, RATE, 2);
        AudioAnalyser.Analysis analysis = analyse(silence, format);

        assertThat(analysis.loudness().integratedLufs()).isNull();
        assertThat(analysis.loudness().rangeLu()).isNull();
        for (WaveformPeaks level : analysis.peaks()) {
            for (short value : level.data()) {
                assertThat((int) value).isBetween(-2, 2);
            }
        }
        assertPreviewDuration(silence);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldSeeAClippedSignalAtFullScale(Format format) throws Exception {
        Signal clipped = TestAudio.sine(1000, +6, 2.0, RATE, 2);
        AudioAnalyser.Analysis analysis = analyse(clipped, format);

        assertThat(analysis.loudness().truePeakDbtp()).isGreaterThan(-0.5);
        assertPeaks(analysis, clipped, Short.MAX_VALUE, (short) 2500);
        assertPreviewDuration(clipped);
    }

    @Test
    void shouldMeasureTheEbuReferenceLevel() throws Exception {
        AudioAnalyser.Analysis analysis = analyse(TestAudio.sine(1000, -23, 20.0, 48_000, 2), Format.WAV);

        assertThat(analysis.loudness().integratedLufs()).isCloseTo(-23.0, within(0.1));
    }

    @Test
    void shouldRefuseBytesFfmpegCannotDecode() throws Exception {
        byte[] flac = TestAudio.encode(TestAudio.sine(1000, -20, 1.0, RATE, 2), Format.FLAC);
        byte[] corrupted = flac.clone();
        for (int i = 200; i < corrupted.length; i++) {
            corrupted[i] = (byte) (i * 31);
        }
        Path source = dir.resolve("bad.flac");
        Files.write(source, corrupted);

        assertThatThrownBy(() -> AudioAnalyser.analyse(source, dir.resolve("bad.ogg"), () -> false))
                .isInstanceOf(AudioAnalyser.UndecodableAudioException.class)
                .hasMessageContaining("FFmpeg");
    }

    @Test
    void shouldStopWhenAskedTo() throws Exception {
        Path source = dir.resolve("long.wav");
        Files.write(source, TestAudio.wav(TestAudio.sine(440, -10, 10, RATE, 2)));
        AtomicInteger frames = new AtomicInteger();

        assertThatThrownBy(() -> AudioAnalyser.analyse(source, dir.resolve("long.ogg"), () -> frames.incrementAndGet() > 3))
                .isInstanceOf(AudioAnalyser.ProcessingTimeoutException.class);
    }

    private AudioAnalyser.Analysis analyse(Signal signal, Format format) throws Exception {
        Path source = dir.resolve("source." + format.extension);
        Files.write(source, TestAudio.encode(signal, format));
        return AudioAnalyser.analyse(source, dir.resolve("preview.ogg"), () -> false);
    }

    /**
     * Every pixel of every level holds the signal's extremes within {@code tolerance}, except the edges, where lossy
     * codecs ramp in and out.
     */
    private static void assertPeaks(AudioAnalyser.Analysis analysis, Signal signal, short amplitude, short tolerance) {
        assertThat(analysis.peaks()).extracting(WaveformPeaks::samplesPerPixel).containsExactlyElementsOf(AudioAnalyser.ZOOM_LEVELS);
        for (WaveformPeaks level : analysis.peaks()) {
            int expectedLength = (signal.frames() + level.samplesPerPixel() - 1) / level.samplesPerPixel();
            assertThat(level.length()).as("pixels at %d", level.samplesPerPixel()).isBetween(expectedLength - 1, expectedLength + 1);
            int edge = (int) Math.ceil(0.1 * signal.sampleRate() / level.samplesPerPixel());
            for (int pixel = edge; pixel < level.length() - edge; pixel++) {
                for (int c = 0; c < level.channels(); c++) {
                    assertThat(level.data()[(pixel * level.channels() + c) * 2]).as("min of pixel %d at %d", pixel, level.samplesPerPixel())
                            .isCloseTo((short) -amplitude, within(tolerance));
                    assertThat(level.data()[(pixel * level.channels() + c) * 2 + 1]).as("max of pixel %d at %d", pixel, level.samplesPerPixel())
                            .isCloseTo(amplitude, within(tolerance));
                }
            }
        }
    }

    /** The preview decodes to the original's duration within 50 ms, in stereo at 48 kHz. */
    private void assertPreviewDuration(Signal signal) throws Exception {
        try (FFmpegFrameGrabber preview = new FFmpegFrameGrabber(dir.resolve("preview.ogg").toFile())) {
            preview.start();
            assertThat(preview.getAudioChannels()).isEqualTo(signal.channels());
            assertThat(preview.getSampleRate()).isEqualTo(48_000);
            long frames = 0;
            org.bytedeco.javacv.Frame frame;
            while ((frame = preview.grabSamples()) != null) {
                frames += frame.samples[0].limit() / (frame.samples.length == 1 ? signal.channels() : 1);
            }
            assertThat((double) frames / 48_000).isCloseTo(signal.seconds(), within(0.05));
        }
    }
}
