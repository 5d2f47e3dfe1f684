package dev.dawg.avatars;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import net.coobird.thumbnailator.Thumbnails;

import org.springframework.http.HttpStatus;

import dev.dawg.platform.web.ApiProblem;

/**
 * Turns an uploaded picture into the square avatar thumbnails: the format is recognised by content (PNG, JPEG,
 * WebP), the size is checked from the header before a pixel is decoded, the centre square is decoded subsampled to
 * at most about {@link #DECODE_SIDE} pixels (so a 40-megapixel photo never becomes a 160 MB raster), and each size is
 * written as PNG. Nothing else of the upload (metadata, EXIF location, colour profiles) survives. Blocking CPU
 * work: callers run it off the event loop.
 */
final class AvatarImages {

    /** The sizes stored, largest first, in pixels per side. */
    static final List<Integer> SIZES = List.of(256, 64);
    static final long MAX_BYTES = 5L * 1024 * 1024;
    static final int MAX_SIDE = 12_000;
    static final long MAX_PIXELS = 50_000_000L;
    private static final int DECODE_SIDE = 1024;
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "jpg", "webp");

    private AvatarImages() {
    }

    /**
     * Readies ImageIO, once, at startup (it reads files: never on an event loop): readers packaged as plugins (WebP)
     * are found on the class path, also inside the packaged jar, and streams stay in memory (no temporary files for
     * a picture already held in memory).
     */
    static void prepareImageIo() {
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /** The PNG thumbnail of each of {@link #SIZES}, by size. */
    static Map<Integer, byte[]> thumbnails(byte[] upload) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(upload))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw unsupported();
            }
            ImageReader reader = readers.next();
            try {
                if (!FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                    throw unsupported();
                }
                reader.setInput(input, true, true);
                BufferedImage square = centreSquare(reader);
                Map<Integer, byte[]> thumbnails = new LinkedHashMap<>();
                for (int size : SIZES) {
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    Thumbnails.of(square).forceSize(size, size).outputFormat("png").toOutputStream(png);
                    thumbnails.put(size, png.toByteArray());
                }
                return thumbnails;
            }
            finally {
                reader.dispose();
            }
        }
        catch (ApiProblem problem) {
            throw problem;
        }
        catch (IOException | RuntimeException broken) {
            // Decoders throw what they like on damaged data (IIOException, IndexOutOfBounds, IllegalArgument...).
            throw unprocessable("The picture could not be decoded: it is damaged, or not really a PNG, JPEG or WebP");
        }
    }

    private static BufferedImage centreSquare(ImageReader reader) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw unprocessable("The picture is " + width + " × " + height + " pixels; at most " + MAX_SIDE
                    + " per side and " + MAX_PIXELS / 1_000_000 + " megapixels are accepted");
        }
        int side = Math.min(width, height);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceRegion(new Rectangle((width - side) / 2, (height - side) / 2, side, side));
        int step = Math.max(1, side / DECODE_SIDE);
        param.setSourceSubsampling(step, step, 0, 0);
        return reader.read(0, param);
    }

    private static ApiProblem unprocessable(String detail) {
        return ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "UNPROCESSABLE", detail);
    }

    private static ApiProblem unsupported() {
        return ApiProblem.unsupportedMediaType("An avatar is a PNG, JPEG or WebP picture");
    }
}
