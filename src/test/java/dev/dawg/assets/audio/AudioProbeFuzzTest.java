package dev.dawg.assets.audio;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded mutations of the real test files (and random bytes behind real magic numbers): the sniffer and the
 * readers must return plausible metadata or an {@link AudioRejection}, never throw anything else, never hang.
 * A failure names the seed and the file, so it replays exactly.
 */
class AudioProbeFuzzTest {

    private static final long SEED = 0x5EED_DA36L;
    private static final int MUTATIONS_PER_FILE = 600;
    private static final List<String> FILES = List.of("tone-44k1-16bit-mono.wav", "tone-48k-24bit-stereo.wav",
            "tone-22k05-16bit-stereo.aiff", "tone-16k-8bit-mono.aifc", "tone-44k1-16bit-stereo.flac",
            "tone-44k1-stereo-cbr128.mp3", "tone-44k1-stereo-vbr-id3.mp3", "tone-44k1-mono-cbr64-notag.mp3",
            "tone-44k1-stereo.ogg", "tone-48k-stereo.opus");
    private static final List<String> MAGIC = List.of("RIFF\0\0\0\0WAVE", "RF64\0\0\0\0WAVE", "FORM\0\0\0\0AIFF", "FORM\0\0\0\0AIFC",
            "fLaC", "OggS", "ID3\u0003\0\0", "\u00FF\u00FB\u0090\u0064");

    @Test
    void shouldAnswerEveryMutationOfTheRealFilesWithMetadataOrARejection() {
        int[] outcomes = new int[3];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int f = 0; f < FILES.size(); f++) {
                byte[] original = AudioProbeTest.resource(FILES.get(f));
                for (int m = 0; m < MUTATIONS_PER_FILE; m++) {
                    long seed = SEED + f * 1_000_003L + m;
                    byte[] mutated = mutate(original, new SplittableRandom(seed));
                    outcomes[probe(mutated, FILES.get(f), seed)]++;
                }
            }
        });
        // The mutations must exercise both outcomes, or the test proves little.
        assertThat(outcomes[0]).as("accepted").isGreaterThan(500);
        assertThat(outcomes[1] + outcomes[2]).as("rejected").isGreaterThan(500);
    }

    @Test
    void shouldAnswerRandomBytesBehindEveryMagicNumber() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 4000; i++) {
                SplittableRandom random = new SplittableRandom(SEED ^ i);
                byte[] magic = MAGIC.get(i % MAGIC.size()).getBytes(StandardCharsets.ISO_8859_1);
                byte[] bytes = new byte[magic.length + random.nextInt(4096)];
                random.nextBytes(bytes);
                System.arraycopy(magic, 0, bytes, 0, magic.length);
                probe(bytes, "magic " + i % MAGIC.size(), SEED ^ i);
            }
        });
    }

    /** 0 accepted, 1 not audio, 2 damaged; anything else fails the test. */
    private static int probe(byte[] bytes, String what, long seed) {
        try {
            AudioProbe.sniff(Arrays.copyOf(bytes, Math.min(bytes.length, AudioProbe.SNIFF_LENGTH)));
            AudioInfo info = AudioProbe.probe(AudioSource.of(bytes));
            assertThat(info.durationSeconds()).isBetween(0.0, AudioInfo.MAX_DURATION_SECONDS);
            assertThat(info.sampleRate()).isBetween(1, AudioInfo.MAX_SAMPLE_RATE);
            assertThat(info.channels()).isBetween(1, AudioInfo.MAX_CHANNELS);
            return 0;
        }
        catch (AudioRejection rejection) {
            return rejection.kind() == AudioRejection.Kind.NOT_AUDIO ? 1 : 2;
        }
        catch (RuntimeException | StackOverflowError ex) {
            throw new AssertionError("probing " + what + " mutated with seed " + seed + " threw " + ex, ex);
        }
    }

    /** One to four edits: flipped bytes, extreme 32-bit fields, truncation, insertion, deletion or duplication. */
    static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            // Most headers are in the first bytes: aim half of the edits there.
            int limit = random.nextBoolean() ? Math.min(bytes.length, 128) : bytes.length;
            int at = random.nextInt(limit);
            switch (random.nextInt(7)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> {
                    long[] extremes = { 0, 1, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, random.nextInt() & 0xFFFFFFFFL };
                    long value = extremes[random.nextInt(extremes.length)];
                    for (int i = 0; i < 4 && at + i < bytes.length; i++) {
                        bytes[at + i] = (byte) (value >>> (8 * (random.nextBoolean() ? i : 3 - i)));
                    }
                }
                case 3 -> bytes = Arrays.copyOf(bytes, at);
                case 4 -> {
                    byte[] inserted = new byte[1 + random.nextInt(64)];
                    random.nextBytes(inserted);
                    bytes = splice(bytes, at, inserted, 0);
                }
                case 5 -> bytes = splice(bytes, at, new byte[0], Math.min(bytes.length - at, 1 + random.nextInt(64)));
                default -> {
                    int length = Math.min(bytes.length - at, 1 + random.nextInt(256));
                    bytes = splice(bytes, at, Arrays.copyOfRange(bytes, at, at + length), 0);
                }
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert, int remove) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }

    @Test
    void shouldNotLetAForgedChunkSizeRunAwayOnALargeSource() {
        // A WAV claiming a 4 GiB chunk over a 2 GiB virtual file of zeros: the walk must stop within the budget.
        AudioSource huge = new AudioSource() {
            @Override
            public long size() {
                return 2L << 30;
            }

            @Override
            public byte[] read(long position, int length) {
                byte[] block = new byte[length];
                if (position == 0) {
                    byte[] header = "RIFF\u00FF\u00FF\u00FF\u007FWAVEJUNK\u0010\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
                    System.arraycopy(header, 0, block, 0, header.length);
                }
                return block;
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                AudioProbe.probe(huge);
                fail("a file of zeros is not audio");
            }
            catch (AudioRejection expected) {
                assertThat(expected.kind()).isEqualTo(AudioRejection.Kind.DAMAGED);
            }
        });
    }
}
