package dev.dawg.presets;

import java.util.Arrays;
import java.util.Optional;

/** What a preset sets up: an instrument or an effect. */
enum PresetType {
    INSTRUMENT("instrument"), EFFECT("effect");

    private final String wireName;

    PresetType(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    static Optional<PresetType> parse(String value) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(value)).findFirst();
    }
}
