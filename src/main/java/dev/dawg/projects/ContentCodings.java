package dev.dawg.projects;

/**
 * The content codings of a project read: gzip (the document as cached, see {@link DeflatedDocument}) for a client
 * whose Accept-Encoding allows it, identity otherwise. No br: the JDK has no Brotli encoder, and a cached document
 * kept twice would cost the memory gzip saves.
 *
 * <p>Entity tags (RFC 9110, 8.8.3): the identity answer keeps the strong {@code "<version>"} the API promises
 * (a version's document is byte-identical wherever it is read), and the gzip answer says {@code W/"<version>"}: a
 * strong tag must differ between content codings, and a weak one still names the version, so clients that read
 * the version from the tag, weak If-None-Match comparison and the lenient If-Match of {@link Preconditions} keep
 * working unchanged. The route serves no ranges, which would need a strong tag.
 */
final class ContentCodings {

    static final String GZIP = "gzip";

    private ContentCodings() {
    }

    static String etag(Project project, boolean gzip) {
        return gzip ? "W/" + project.etag() : project.etag();
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
