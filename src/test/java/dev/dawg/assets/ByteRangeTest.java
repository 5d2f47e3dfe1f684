package dev.dawg.assets;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.dawg.assets.audio.AudioFormat;
import dev.dawg.platform.web.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Range headers (RFC 9110 §14) and the filenames offered back in Content-Disposition. */
class ByteRangeTest {

    @Test
    void shouldParseFirstLastOpenEndedAndSuffixRanges() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=500-", 1000)).contains(new ByteRange(500, 999));
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-100", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 999));
        assertThat(ByteRange.parse("BYTES= 1 - 2 ", 1000)).contains(new ByteRange(1, 2));
        assertThat(ByteRange.parse("bytes=999-999", 1000).map(ByteRange::length)).contains(1L);
        assertThat(ByteRange.parse("bytes=0-99999999999999999999999", 1000)).contains(new ByteRange(0, 999));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "bytes=0-1,3-4", "lines=0-5", "bytes=--1" })
    void shouldIgnoreRangesItDoesNotServe(String header) {
        assertThat(ByteRange.parse(header, 1000)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = { "bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=99999999999999999999-" })
    void shouldRefuseRangesPastTheEnd(String header) {
        assertThatThrownBy(() -> ByteRange.parse(header, 1000)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status().value()).isEqualTo(416);
            assertThat(problem.headers().getFirst("Content-Range")).isEqualTo("bytes */1000");
        });
    }

    @Test
    void shouldCleanFilenamesAndEscapeThemInContentDisposition() {
        assertThat(Filenames.clean("../../etc/passwd", AudioFormat.WAV)).isEqualTo("passwd");
        assertThat(Filenames.clean("C:\\Music\\take.wav", AudioFormat.WAV)).isEqualTo("take.wav");
        assertThat(Filenames.clean("evil\r\nSet-Cookie: x.wav", AudioFormat.WAV)).isEqualTo("evilSet-Cookie: x.wav");
        assertThat(Filenames.clean("song\u202Evaw.exe", AudioFormat.MP3)).isEqualTo("songvaw.exe");
        assertThat(Filenames.clean("  ", AudioFormat.FLAC)).isEqualTo("audio.flac");
        assertThat(Filenames.clean(null, AudioFormat.OGG)).isEqualTo("audio.ogg");
        assertThat(Filenames.clean("x".repeat(300), AudioFormat.WAV)).hasSize(255);
        assertThat(Filenames.attachment("a\"b;c \u00e9.wav"))
                .isEqualTo("attachment; filename=\"a_b_c _.wav\"; filename*=UTF-8''a%22b%3Bc%20%C3%A9.wav");
    }
}
