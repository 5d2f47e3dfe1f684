package dev.dawg.assets.audio;

/**
 * Ogg with Vorbis, Opus or FLAC: the identification header in the first page gives rate and channels; the
 * length is the granule position of the stream's last page (found by scanning back from the end, each
 * candidate page checked by its CRC), less Opus's pre-skip.
 */
final class OggReader {

    private static final int HEADER = 27;
    /** A page is at most 27 + 255 + 255 * 255 bytes; twice that from the end always holds the last whole page. */
    private static final int TAIL = 2 * (HEADER + 255 + 255 * 255);
    private static final int[] CRC_TABLE = crcTable();

    private OggReader() {
    }

    static AudioInfo read(AudioBytes in) {
        Page first = Page.at(in, 0);
        if (first == null) {
            throw AudioRejection.notAudio("not an Ogg stream");
        }
        byte[] packet = in.upTo(first.payloadOffset(), (int) Math.min(first.payloadLength(), 512));
        Codec codec = Codec.identify(packet);
        long granule = lastGranule(in, first.serial());
        long samples = switch (codec.kind()) {
            case OPUS -> Math.max(0, granule - codec.preSkip());
            case VORBIS, FLAC -> granule;
        };
        if (codec.kind() == Codec.Kind.FLAC) {
            return FlacReader.streamInfo(codec.streamInfo(), AudioFormat.OGG, samples);
        }
        return AudioInfo.of(AudioFormat.OGG, samples, codec.sampleRate(), codec.channels(), null);
    }

    /** The granule position of the last intact page of the logical stream {@code serial}. */
    private static long lastGranule(AudioBytes in, long serial) {
        long size = in.size();
        long from = Math.max(0, size - TAIL);
        byte[] tail = in.upTo(from, (int) (size - from));
        for (int i = tail.length - HEADER; i >= 0; i--) {
            if (tail[i] != 'O' || tail[i + 1] != 'g' || tail[i + 2] != 'g' || tail[i + 3] != 'S') {
                continue;
            }
            Page page = Page.parse(tail, i);
            if (page != null && page.serial() == serial && page.granule() >= 0) {
                return page.granule();
            }
        }
        throw AudioRejection.damaged("the Ogg stream has no intact last page");
    }

    /** One page header, its CRC checked where the whole page is at hand. */
    private record Page(long granule, long serial, long payloadOffset, long payloadLength) {

        static Page at(AudioBytes in, long position) {
            byte[] head = in.upTo(position, HEADER + 255);
            if (head.length < HEADER || head[0] != 'O' || head[1] != 'g' || head[2] != 'g' || head[3] != 'S' || head[4] != 0) {
                return null;
            }
            int segments = head[26] & 0xFF;
            if (head.length < HEADER + segments) {
                throw AudioRejection.damaged("the first Ogg page is truncated");
            }
            long payload = 0;
            for (int s = 0; s < segments; s++) {
                payload += head[HEADER + s] & 0xFF;
            }
            long granule = AudioBytes.u32le(head, 6) | AudioBytes.u32le(head, 10) << 32;
            return new Page(granule, AudioBytes.u32le(head, 14), position + HEADER + segments, payload);
        }

        /** The page at {@code offset} of {@code buffer}, or null unless it is whole there and its CRC matches. */
        static Page parse(byte[] buffer, int offset) {
            if (offset + HEADER > buffer.length || buffer[offset + 4] != 0) {
                return null;
            }
            int segments = buffer[offset + 26] & 0xFF;
            if (offset + HEADER + segments > buffer.length) {
                return null;
            }
            int payload = 0;
            for (int s = 0; s < segments; s++) {
                payload += buffer[offset + HEADER + s] & 0xFF;
            }
            int length = HEADER + segments + payload;
            if (offset + length > buffer.length) {
                return null;
            }
            long stored = AudioBytes.u32le(buffer, offset + 22);
            if (crc(buffer, offset, length) != stored) {
                return null;
            }
            long granule = AudioBytes.u32le(buffer, offset + 6) | AudioBytes.u32le(buffer, offset + 10) << 32;
            return new Page(granule, AudioBytes.u32le(buffer, offset + 14), offset + HEADER + segments, payload);
        }
    }

    /** The codec named by the first packet of the stream. */
    private record Codec(Kind kind, long sampleRate, int channels, int preSkip, byte[] streamInfo) {

        enum Kind {
            VORBIS, OPUS, FLAC
        }

        static Codec identify(byte[] p) {
            if (p.length >= 30 && p[0] == 1 && ascii(p, 1, 6).equals("vorbis")) {
                if (AudioBytes.u32le(p, 7) != 0) {
                    throw AudioRejection.damaged("unknown Vorbis version");
                }
                return new Codec(Kind.VORBIS, AudioBytes.u32le(p, 12), p[11] & 0xFF, 0, null);
            }
            if (p.length >= 19 && ascii(p, 0, 8).equals("OpusHead")) {
                if ((p[8] & 0xF0) != 0) {
                    throw AudioRejection.damaged("unknown Opus version");
                }
                int preSkip = (p[10] & 0xFF) | (p[11] & 0xFF) << 8;
                return new Codec(Kind.OPUS, 48000, p[9] & 0xFF, preSkip, null);
            }
            // FLAC in Ogg: 0x7F "FLAC", version (2), header count (2), "fLaC", STREAMINFO block header (4) and body (34).
            if (p.length >= 51 && (p[0] & 0xFF) == 0x7F && ascii(p, 1, 4).equals("FLAC") && ascii(p, 9, 4).equals("fLaC")
                    && (p[13] & 0x7F) == 0) {
                return new Codec(Kind.FLAC, 0, 0, 0, java.util.Arrays.copyOfRange(p, 17, 51));
            }
            throw AudioRejection.notAudio("the Ogg stream carries no Vorbis, Opus or FLAC audio");
        }

        private static String ascii(byte[] p, int offset, int length) {
            return new String(p, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, zero start), over the page with its CRC field zeroed. */
    static long crc(byte[] buffer, int offset, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            int b = (i >= 22 && i < 26) ? 0 : buffer[offset + i] & 0xFF;
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xFF];
        }
        return crc & 0xFFFFFFFFL;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
