package dev.dawg.assets.audio;

/**
 * Why bytes were refused: they are not audio in an accepted format at all (415), or they start like one but
 * their headers are damaged, truncated or implausible (422). The readers throw nothing else for bad input.
 */
public final class AudioRejection extends RuntimeException {

    /** The two ways audio is refused. */
    public enum Kind {
        NOT_AUDIO, DAMAGED
    }

    private final Kind kind;

    private AudioRejection(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static AudioRejection notAudio(String message) {
        return new AudioRejection(Kind.NOT_AUDIO, message);
    }

    public static AudioRejection damaged(String message) {
        return new AudioRejection(Kind.DAMAGED, message);
    }

    public Kind kind() {
        return kind;
    }
}
