package dev.dawg.projects;

/**
 * The content codings of a project read: gzip (the document as cached, see {@link DeflatedDocument}) for a client
 * whose Accept-Encoding allows it, identity otherwise. No br: the JDK has no Brotli encoder, and a cached document
 * kept twice would cost the memory gzip saves.
 *
 * <p>Entity tags: both codings carry the API's one tag of a version, the strong {@code "<version>"} (API.md), rather
 * than a weak or suffixed tag for gzip as RFC 9110 (8.8.3) would have it: every client, browsers included, sends
 * Accept-Encoding: gzip, and a tag that changed with it would change the contract every client reads the version
 * from. It is safe here because the tag names the document, which is byte-identical in both codings once decoded;
 * caches keep the codings apart by {@code Vary: Accept-Encoding}; and this route serves no ranges, the one use a
 * strong tag shared by two codings could mislead.
 */
final class ContentCodings {

    static final String GZIP = "gzip";

    private ContentCodings() {
    }

    /** Whether an Accept-Encoding value allows gzip (or x-gzip, or *) with a quality above zero (RFC 9110, 12.5.3). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isEmpty()) {
            return false;
        }
        boolean gzip = false;
        Boolean gzipNamed = null;
        int at = 0;
        int length = acceptEncoding.length();
        while (at < length) {
            int comma = acceptEncoding.indexOf(',', at);
            int end = comma < 0 ? length : comma;
            String member = acceptEncoding.substring(at, end);
            at = end + 1;
            int semicolon = member.indexOf(';');
            String coding = (semicolon < 0 ? member : member.substring(0, semicolon)).trim();
            boolean allowed = semicolon < 0 || quality(member.substring(semicolon + 1)) > 0;
            if (coding.equalsIgnoreCase(GZIP) || coding.equalsIgnoreCase("x-gzip")) {
                gzipNamed = allowed;
            }
            else if (coding.equals("*")) {
                gzip = allowed;
            }
        }
        return gzipNamed != null ? gzipNamed : gzip;
    }

    /** The q value among the parameters of one member; 1 without one, 0 when unreadable (so nothing is assumed). */
    private static double quality(String parameters) {
        for (String parameter : parameters.split(";")) {
            String p = parameter.trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                }
                catch (NumberFormatException unreadable) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
