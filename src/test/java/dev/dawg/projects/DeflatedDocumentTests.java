package dev.dawg.projects;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compressed form of cached documents: exact after inflating, and a valid gzip stream around other bytes. */
class DeflatedDocumentTests {

    static final String DOCUMENT = DocumentFidelityIntegrationTests.DOCUMENT;

    @Test
    void shouldInflateToTheBytesAsWritten() {
        for (byte[] document : new byte[][] { bytes(DOCUMENT), bytes("{}"), bytes(project(50_000)), random(200_000) }) {
            DeflatedDocument deflated = DeflatedDocument.of(document);
            assertThat(deflated.inflate()).isEqualTo(document);
            assertThat(deflated.length()).isEqualTo(document.length);
        }
    }

    @Test
    void shouldInflateStraightIntoAnAnswersBufferAfterWhatIsAlreadyThere() {
        byte[] document = bytes(project(50_000));
        DeflatedDocument deflated = DeflatedDocument.of(document);
        for (ByteBuf buffer : new ByteBuf[] { PooledByteBufAllocator.DEFAULT.directBuffer(16), Unpooled.buffer(16),
                // Several parts hand out a copy to write into: the document must still land in the buffer itself.
                Unpooled.compositeBuffer().addComponent(true, Unpooled.buffer(8).writeByte('[')).addComponent(true, Unpooled.buffer(4).writeByte(' ')) }) {
            try {
                int before = buffer.readableBytes();
                deflated.writeTo(buffer);
                assertThat(buffer.readableBytes()).isEqualTo(before + document.length);
                assertThat(ByteBufUtil.getBytes(buffer, before, document.length)).isEqualTo(document);
            }
            finally {
                buffer.release();
            }
        }
    }

    @Test
    void shouldInflateEachDocumentWholeAfterAnotherOrABrokenOneOnTheSameThread() {
        byte[] first = bytes(project(50_000));
        byte[] second = random(70_000);
        DeflatedDocument broken = new DeflatedDocument(new byte[] { 1, 2, 3, 4, 5 }, 0, 100);
        assertThat(DeflatedDocument.of(first).inflate()).isEqualTo(first);
        assertThatThrownBy(broken::inflate).isInstanceOf(IllegalStateException.class);
        // The thread's inflater is reset whatever happened before: no state of the broken stream carries over.
        assertThat(DeflatedDocument.of(second).inflate()).isEqualTo(second);
        assertThat(DeflatedDocument.of(first).inflate()).isEqualTo(first);
    }

    @Test
    void shouldMakeAGzipStreamOfTheBytesAroundTheDocument() throws IOException {
        byte[] document = bytes(project(50_000));
        byte[][] before = { bytes("{\"id\":\"x\",\"title\":\"caf\u00e9\""), bytes(",\"projectData\":") };
        DeflatedDocument deflated = DeflatedDocument.of(document);
        byte[][] parts = deflated.gzip(before, bytes("}"));

        assertThat(parts[1]).as("the cached bytes are sent as they are").isSameAs(deflated.deflated());
        assertThat(gunzip(join(parts))).isEqualTo(join(new byte[][] { before[0], before[1], document, bytes("}") }));
    }

    @Test
    void shouldSplitMetadataLongerThanAStoredBlock() throws IOException {
        byte[] longHead = random(150_000); // more than two stored blocks of 65,535 bytes
        byte[] document = random(1_000);
        byte[][] parts = DeflatedDocument.of(document).gzip(new byte[][] { longHead }, bytes("}"));
        assertThat(gunzip(join(parts))).isEqualTo(join(new byte[][] { longHead, document, bytes("}") }));
    }

    @Test
    void shouldCombineCrcsAsTheCrcOfTheJoinedBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] a = random(random.nextInt(3_000));
            byte[] b = random(random.nextInt(100_000));
            assertThat(DeflatedDocument.Crc32.combine(crc(a), crc(b), b.length)).isEqualTo(crc(join(new byte[][] { a, b })));
        }
    }

    @Test
    void shouldReadAcceptEncodingAsRfc9110Says() {
        assertThat(ContentCodings.acceptsGzip("gzip, deflate, br, zstd")).isTrue();
        assertThat(ContentCodings.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(ContentCodings.acceptsGzip("x-gzip")).isTrue();
        assertThat(ContentCodings.acceptsGzip("*")).isTrue();
        assertThat(ContentCodings.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(ContentCodings.acceptsGzip("gzip;q=0, identity")).isFalse();
        assertThat(ContentCodings.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(ContentCodings.acceptsGzip("identity")).isFalse();
        assertThat(ContentCodings.acceptsGzip("br")).isFalse();
        assertThat(ContentCodings.acceptsGzip("")).isFalse();
        assertThat(ContentCodings.acceptsGzip(null)).isFalse();
    }

    /**
     * The figures behind {@link DeflatedDocument#LEVEL}: size and CPU per 50 KB document at levels 1 and 6, and the
     * cost of inflating one (an identity answer, a patch). Printed, not asserted: timing is the machine's.
     */
    @Test
    void printsRatiosAndCosts() {
        byte[] document = bytes(project(50_000));
        for (int level : new int[] { Deflater.DEFAULT_COMPRESSION, Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION, Deflater.BEST_SPEED }) {
            DeflatedDocument deflated = null;
            for (int i = 0; i < 300; i++) {
                deflated = DeflatedDocument.of(document, level);
            }
            long started = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                deflated = DeflatedDocument.of(document, level);
            }
            long deflateMicros = (System.nanoTime() - started) / 300 / 1000;
            started = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                deflated.inflate();
            }
            long inflateMicros = (System.nanoTime() - started) / 300 / 1000;
            System.out.printf("level %d: %,d -> %,d bytes (%.1fx); deflate %d us, inflate %d us%n", level == -1 ? 6 : level,
                    document.length, deflated.deflated().length, (double) document.length / deflated.deflated().length,
                    deflateMicros, inflateMicros);
        }
    }

    /** A DAW project document of about {@code size} bytes, with the repetition of real ones (tracks, clips, notes). */
    static String project(int size) {
        Random random = new Random(42);
        StringBuilder json = new StringBuilder("{\"bpm\":128,\"tracks\":[");
        int track = 0;
        while (json.length() < size) {
            json.append(track == 0 ? "" : ",").append("{\"id\":\"track-").append(track).append("\",\"name\":\"Track ").append(track)
                    .append("\",\"gain\":").append(String.format("%.2f", random.nextDouble() * -12)).append(",\"pan\":")
                    .append(String.format("%.2f", random.nextDouble() * 2 - 1)).append(",\"clips\":[");
            for (int clip = 0; clip < 4; clip++) {
                json.append(clip == 0 ? "" : ",").append("{\"start\":").append(random.nextInt(512)).append(",\"length\":")
                        .append(random.nextInt(64) + 1).append(",\"notes\":[");
                for (int note = 0; note < 8; note++) {
                    json.append(note == 0 ? "" : ",").append("{\"pitch\":").append(36 + random.nextInt(48)).append(",\"velocity\":")
                            .append(random.nextInt(128)).append(",\"time\":").append(random.nextInt(16) / 4.0).append("}");
                }
                json.append("]}");
            }
            json.append("]}");
            track++;
        }
        return json.append("]}").toString();
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    private static byte[] join(byte[][] parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
