package dev.dawg.assets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.dawg.assets.audio.AudioFormat;

/**
 * Filenames as users send them, made safe to show and to offer back in {@code Content-Disposition}. They are
 * display names only: object keys never derive from them.
 */
final class Filenames {

    static final int MAX_LENGTH = 255;

    private Filenames() {
    }

    /** The last path segment, without control or formatting characters, at most 255 characters. */
    static String clean(String raw, AudioFormat format) {
        String name = raw == null ? "" : raw;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        // Controls, and formatting characters such as bidi overrides that could disguise an extension.
        name = name.replaceAll("[\\p{Cc}\\p{Cf}]", "").strip();
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            name = name.substring(0, name.offsetByCodePoints(0, MAX_LENGTH)).strip();
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "audio." + format.extension();
        }
        return name;
    }

    /**
     * {@code attachment} with an ASCII fallback name and the exact name in RFC 5987 form, so no quote,
     * semicolon or line break in a name can change the header.
     */
    static String attachment(String filename) {
        StringBuilder ascii = new StringBuilder();
        filename.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != ';' ? (char) c : '_'));
        String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
