package dev.dawg.assets.audio;

import java.util.Locale;

/** The audio containers the server accepts, each recognised by its content, never by a name or a declared type. */
public enum AudioFormat {
    WAV("audio/wav", "wav"),
    AIFF("audio/aiff", "aiff"),
    FLAC("audio/flac", "flac"),
    MP3("audio/mpeg", "mp3"),
    OGG("audio/ogg", "ogg");

    private final String contentType;
    private final String extension;

    AudioFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    /** The media type the server stores and serves the bytes as. */
    public String contentType() {
        return contentType;
    }

    public String extension() {
        return extension;
    }

    /** The wire and column name ({@code wav}, {@code aiff}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AudioFormat parse(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
