package dev.dawg.platform.persistence;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.client.EncodedParameter;
import io.r2dbc.postgresql.codec.Codec;
import io.r2dbc.postgresql.codec.CodecMetadata;
import io.r2dbc.postgresql.codec.CodecRegistry;
import io.r2dbc.postgresql.codec.PostgresTypeIdentifier;
import io.r2dbc.postgresql.codec.PostgresqlObjectId;
import io.r2dbc.postgresql.extension.CodecRegistrar;
import io.r2dbc.postgresql.message.Format;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reads a {@code timestamptz} sent as text by reading its digits where PostgreSQL's ISO output puts them. Our own,
 * for speed: the driver's codec goes through a {@link DateTimeFormatter} for each value, an eighth to a fifth of
 * the server's CPU for a search (JFR), whose 21 rows carry two timestamps each. Anything the fast path does not
 * recognise (years past 9999, BC, infinity) goes to a formatter of the same output. Parameters are encoded by the
 * driver's own codec: the driver's lookup, which this codec must join as {@link CodecMetadata} to be asked first,
 * picks one codec per type for both directions. Registered on every connection through the driver's extension
 * service ({@code META-INF/services}).
 */
public final class TimestampCodec implements Codec<OffsetDateTime>, CodecMetadata {

    private static final int TIMESTAMPTZ = PostgresqlObjectId.TIMESTAMPTZ.getObjectId();
    /** {@code 2026-12-07 13:52:20+00}: the shortest value of the fast path. */
    private static final int SHORTEST = 22;
    /** What each digit of the fraction is worth; PostgreSQL writes at most six (microseconds). */
    private static final int[] NANOS_PER_DIGIT = { 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000 };
    /** PostgreSQL's ISO output in full: wide years, a fraction of up to 6 digits, an offset to the second, BC. */
    private static final DateTimeFormatter ISO_OUTPUT = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR_OF_ERA, 4, 9, SignStyle.NOT_NEGATIVE).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).appendLiteral(' ')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd()
            // Not "+00" for no offset: that text would be taken as the whole offset of +00:19:32.
            .appendOffset("+HH:mm:ss", "Z")
            .optionalStart().appendLiteral(' ').appendText(ChronoField.ERA, TextStyle.SHORT).optionalEnd()
            .parseDefaulting(ChronoField.ERA, 1)
            .toFormatter(Locale.ROOT);

    /** The driver's codec for the same values, which encodes them. */
    private final Codec<OffsetDateTime> encoder;

    TimestampCodec(Codec<OffsetDateTime> encoder) {
        this.encoder = encoder;
    }

    @Override
    public boolean canDecode(int dataType, Format format, Class<?> type) {
        return dataType == TIMESTAMPTZ && format == Format.FORMAT_TEXT && type.isAssignableFrom(OffsetDateTime.class);
    }

    @Override
    public OffsetDateTime decode(ByteBuf buffer, int dataType, Format format, Class<? extends OffsetDateTime> type) {
        if (buffer == null) {
            return null;
        }
        int length = buffer.readableBytes();
        OffsetDateTime value = readIso(buffer, buffer.readerIndex(), length);
        if (value == null) {
            value = readOther(buffer.toString(buffer.readerIndex(), length, StandardCharsets.US_ASCII));
        }
        buffer.skipBytes(length);
        return value;
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.f{1,6}]±HH[:mm[:ss]]}, or null for anything else. */
    static OffsetDateTime readIso(ByteBuf text, int start, int length) {
        if (length < SHORTEST || text.getByte(start + 4) != '-' || text.getByte(start + 7) != '-'
                || text.getByte(start + 10) != ' ' || text.getByte(start + 13) != ':' || text.getByte(start + 16) != ':') {
            return null;
        }
        int year = digits(text, start, 4);
        int month = digits(text, start + 5, 2);
        int day = digits(text, start + 8, 2);
        int hour = digits(text, start + 11, 2);
        int minute = digits(text, start + 14, 2);
        int second = digits(text, start + 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int end = start + length;
        int at = start + 19;
        int nanos = 0;
        if (text.getByte(at) == '.') {
            int fractionDigits = 0;
            at++;
            while (at < end && fractionDigits < NANOS_PER_DIGIT.length && isDigit(text.getByte(at))) {
                nanos += (text.getByte(at) - '0') * NANOS_PER_DIGIT[fractionDigits];
                fractionDigits++;
                at++;
            }
            if (fractionDigits == 0) {
                return null;
            }
        }
        int offsetSeconds = offsetSeconds(text, at, end);
        if (offsetSeconds == Integer.MIN_VALUE || Math.abs(offsetSeconds) > 18 * 3600) {
            return null;
        }
        return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    /** {@code ±HH}, {@code ±HH:mm} or {@code ±HH:mm:ss} running exactly to {@code end}; MIN_VALUE otherwise. */
    private static int offsetSeconds(ByteBuf text, int at, int end) {
        int remaining = end - at;
        if (remaining != 3 && remaining != 6 && remaining != 9) {
            return Integer.MIN_VALUE;
        }
        byte sign = text.getByte(at);
        if (sign != '+' && sign != '-') {
            return Integer.MIN_VALUE;
        }
        int seconds = 0;
        int unit = 3600;
        for (int part = at + 1; part < end; part += 3, unit /= 60) {
            if (part > at + 1 && text.getByte(part - 1) != ':') {
                return Integer.MIN_VALUE;
            }
            int value = digits(text, part, 2);
            if (value < 0) {
                return Integer.MIN_VALUE;
            }
            seconds += value * unit;
        }
        return sign == '-' ? -seconds : seconds;
    }

    /** The number written by {@code count} ASCII digits from {@code at}, or -1. */
    private static int digits(ByteBuf text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            byte digit = text.getByte(i);
            if (!isDigit(digit)) {
                return -1;
            }
            value = value * 10 + digit - '0';
        }
        return value;
    }

    private static boolean isDigit(byte character) {
        return character >= '0' && character <= '9';
    }

    /** What the fast path leaves: infinities as the driver reads them, wide years and BC by the full format. */
    static OffsetDateTime readOther(String text) {
        return switch (text) {
            case "infinity" -> OffsetDateTime.MAX;
            case "-infinity" -> OffsetDateTime.MIN;
            default -> OffsetDateTime.parse(text, ISO_OUTPUT);
        };
    }

    @Override
    public boolean canEncode(Object value) {
        return encoder.canEncode(value);
    }

    @Override
    public boolean canEncodeNull(Class<?> type) {
        return encoder.canEncodeNull(type);
    }

    @Override
    public EncodedParameter encode(Object value) {
        return encoder.encode(value);
    }

    @Override
    public EncodedParameter encode(Object value, int dataType) {
        return encoder.encode(value, dataType);
    }

    @Override
    public EncodedParameter encodeNull() {
        return encoder.encodeNull();
    }

    @Override
    public Class<?> type() {
        return OffsetDateTime.class;
    }

    @Override
    public Iterable<Format> getFormats() {
        return List.of(Format.FORMAT_TEXT);
    }

    @Override
    public Iterable<? extends PostgresTypeIdentifier> getDataTypes() {
        return List.of(PostgresqlObjectId.TIMESTAMPTZ);
    }

    /** Puts the codec before the driver's own on each new connection (found through {@code ServiceLoader}). */
    public static final class Registrar implements CodecRegistrar {

        @Override
        @SuppressWarnings("unchecked")
        public Publisher<Void> register(PostgresqlConnection connection, ByteBufAllocator allocator, CodecRegistry registry) {
            for (Codec<?> codec : registry) {
                if (!(codec instanceof TimestampCodec) && codec.canDecode(TIMESTAMPTZ, Format.FORMAT_TEXT, OffsetDateTime.class)) {
                    registry.addFirst(new TimestampCodec((Codec<OffsetDateTime>) codec));
                    return Mono.empty();
                }
            }
            return Mono.error(new IllegalStateException("The driver has no codec for timestamptz to encode with"));
        }
    }
}
