package dev.dawg.platform.persistence;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.r2dbc.postgresql.codec.DefaultCodecs;
import io.r2dbc.postgresql.codec.PostgresqlObjectId;
import io.r2dbc.postgresql.message.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampCodecTest {

    private static final int TIMESTAMPTZ = PostgresqlObjectId.TIMESTAMPTZ.getObjectId();
    /** The driver's codecs with ours registered first, as on each connection. */
    private final DefaultCodecs codecs = registered();
    private final TimestampCodec codec = (TimestampCodec) codecs.iterator().next();

    /**
     * Seven fraction digits tell the two codecs apart: PostgreSQL writes at most six, so this one refuses them, where
     * the driver's own reads them. A decode through the driver's lookup must reach this codec.
     */
    @Test
    void shouldBeTheCodecTheDriversLookupPicksForTextTimestamptz() {
        String sevenDigits = "2026-12-07 13:52:20.1234567+00";
        assertThat(new DefaultCodecs(UnpooledByteBufAllocator.DEFAULT).<OffsetDateTime>decode(ascii(sevenDigits), TIMESTAMPTZ, Format.FORMAT_TEXT,
                OffsetDateTime.class)).isNotNull();
        assertThatThrownBy(() -> codecs.decode(ascii(sevenDigits), TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class))
                .isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void shouldLeaveEncodingToTheDriversCodec() {
        OffsetDateTime value = OffsetDateTime.parse("2026-12-07T13:52:20.123456+05:30");
        assertThat(codecs.encode(value)).isNotNull();
        assertThat(codec.canEncode(value)).isTrue();
        assertThat(codec.canEncodeNull(OffsetDateTime.class)).isTrue();
    }

    @Test
    void shouldReadPostgresIsoOutputWithEachFractionLengthAndOffsetForm() {
        assertThat(decode("2026-12-07 13:52:20+00")).isEqualTo(OffsetDateTime.of(2026, 12, 7, 13, 52, 20, 0, ZoneOffset.UTC));
        assertThat(decode("2026-12-07 13:52:20.1+00")).isEqualTo(OffsetDateTime.of(2026, 12, 7, 13, 52, 20, 100_000_000, ZoneOffset.UTC));
        assertThat(decode("2026-12-07 13:52:20.000123-03:30"))
                .isEqualTo(OffsetDateTime.of(2026, 12, 7, 13, 52, 20, 123_000, ZoneOffset.ofHoursMinutes(-3, -30)));
        assertThat(decode("1900-01-01 00:00:00.999999+00:19:32"))
                .isEqualTo(OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 999_999_000, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)));
        assertThat(decode("0001-01-01 00:00:00-05")).isEqualTo(OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5)));
    }

    @Test
    void shouldLeaveWideYearsEraAndInfinityToTheFullFormat() {
        assertThat(decode("10000-01-01 00:00:00+00")).isEqualTo(OffsetDateTime.of(10000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        // Year 44 BC is proleptic year -43.
        assertThat(decode("0044-03-15 12:00:00.5+00 BC")).isEqualTo(OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 500_000_000, ZoneOffset.UTC));
        assertThat(decode("0044-03-15 12:19:32.5+00:19:32 BC"))
                .isEqualTo(OffsetDateTime.of(-43, 3, 15, 12, 19, 32, 500_000_000, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)));
        assertThat(decode("infinity")).isEqualTo(OffsetDateTime.MAX);
        assertThat(decode("-infinity")).isEqualTo(OffsetDateTime.MIN);
    }

    @ParameterizedTest
    @ValueSource(strings = { "2026-12-07 13:52:20", "2026-12-07T13:52:20+00", "2026-12-07 13:52:20.+00", "2026-12-07 13:52:20.1234567+00",
            "2026-12-07 13:52:20+0", "2026-12-07 13:52:20+00:3", "2026-12-07 13:52:20*00", "2026-1x-07 13:52:20+00", "" })
    void shouldRefuseWhatPostgresNeverWritesRatherThanGuess(String text) {
        ByteBuf buffer = ascii(text);
        assertThat(TimestampCodec.readIso(buffer, 0, buffer.readableBytes())).isNull();
        assertThatThrownBy(() -> TimestampCodec.readOther(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void shouldConsumeTheValueAndReadNullAsNull() {
        ByteBuf buffer = ascii("2026-12-07 13:52:20+00");
        codec.decode(buffer, TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class);
        assertThat(buffer.readableBytes()).isZero();
        assertThat(codec.decode(null, TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class)).isNull();
    }

    @Test
    void shouldDecodeOnlyTextTimestamptz() {
        assertThat(codec.canDecode(TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class)).isTrue();
        assertThat(codec.canDecode(TIMESTAMPTZ, Format.FORMAT_TEXT, Object.class)).isTrue();
        assertThat(codec.canDecode(TIMESTAMPTZ, Format.FORMAT_BINARY, OffsetDateTime.class)).isFalse();
        assertThat(codec.canDecode(PostgresqlObjectId.TIMESTAMP.getObjectId(), Format.FORMAT_TEXT, OffsetDateTime.class)).isFalse();
        assertThat(codec.canDecode(TIMESTAMPTZ, Format.FORMAT_TEXT, String.class)).isFalse();
    }

    private static DefaultCodecs registered() {
        DefaultCodecs codecs = new DefaultCodecs(UnpooledByteBufAllocator.DEFAULT);
        Mono.from(new TimestampCodec.Registrar().register(null, UnpooledByteBufAllocator.DEFAULT, codecs)).block();
        return codecs;
    }

    private OffsetDateTime decode(String text) {
        return codec.decode(ascii(text), TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class);
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
