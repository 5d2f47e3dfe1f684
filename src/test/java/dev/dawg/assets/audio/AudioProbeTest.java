package dev.dawg.assets.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Metadata read from the real files under src/test/resources/audio, checked against what sox and ffprobe say. */
class AudioProbeTest {

    static byte[] resource(String name) {
        try (InputStream in = AudioProbeTest.class.getResourceAsStream("/audio/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test file " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "tone-44k1-16bit-mono.wav,       WAV,  0.5,      44100, 1, 16",
            "tone-48k-24bit-stereo.wav,      WAV,  0.25,     48000, 2, 24",
            "tone-22k05-16bit-stereo.aiff,   AIFF, 0.5,      22050, 2, 16",
            "tone-16k-8bit-mono.aifc,        AIFF, 0.5,      16000, 1, 8",
            "tone-44k1-16bit-stereo.flac,    FLAC, 0.5,      44100, 2, 16",
            "tone-44k1-stereo-cbr128.mp3,    MP3,  0.5,      44100, 2, -",
            "tone-44k1-stereo-vbr-id3.mp3,   MP3,  0.5,      44100, 2, -",
            "tone-44k1-mono-cbr64-notag.mp3, MP3,  0.548571, 44100, 1, -",
            "tone-44k1-stereo.ogg,           OGG,  0.5,      44100, 2, -",
            "tone-48k-stereo.opus,           OGG,  0.5,      48000, 2, -" })
    void shouldReadExactMetadataOfEachFormat(String file, AudioFormat format, double duration, int rate, int channels, Integer bits) {
        byte[] bytes = resource(file);
        assertThat(AudioProbe.sniff(java.util.Arrays.copyOf(bytes, AudioProbe.SNIFF_LENGTH))).contains(format);
        AudioInfo info = AudioProbe.probe(AudioSource.of(bytes));
        assertThat(info).isEqualTo(new AudioInfo(format, duration, rate, channels, bits));
    }

    @Test
    void shouldRejectTextPngAndEmptyFilesAsNotAudio() {
        byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
        for (byte[] bytes : new byte[][] { "just some text, not a wave".getBytes(StandardCharsets.UTF_8), png, new byte[0] }) {
            assertThatThrownBy(() -> AudioProbe.probe(AudioSource.of(bytes)))
                    .isInstanceOfSatisfying(AudioRejection.class, r -> assertThat(r.kind()).isEqualTo(AudioRejection.Kind.NOT_AUDIO));
        }
    }

    @Test
    void shouldRejectAHeaderWithoutItsBodyAsDamaged() {
        byte[] wav = resource("tone-44k1-16bit-mono.wav");
        assertThatThrownBy(() -> AudioProbe.probe(AudioSource.of(java.util.Arrays.copyOf(wav, 20))))
                .isInstanceOfSatisfying(AudioRejection.class, r -> assertThat(r.kind()).isEqualTo(AudioRejection.Kind.DAMAGED));
    }

    @Test
    void shouldDecodeExtendedFloatSampleRates() {
        assertThat(AiffReader.extended(new byte[] { 0x40, 0x0E, (byte) 0xAC, 0x44, 0, 0, 0, 0, 0, 0 })).isEqualTo(44100.0);
        assertThat(AiffReader.extended(new byte[] { 0x40, 0x0E, (byte) 0xBB, (byte) 0x80, 0, 0, 0, 0, 0, 0 })).isEqualTo(48000.0);
        assertThat(AiffReader.extended(new byte[] { 0x7F, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0 })).isNaN();
    }
}
