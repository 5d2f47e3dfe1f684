package dev.dawg.avatars;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

/** Pictures for the avatar tests, drawn here: a 300 × 200 image in thirds, red, green and blue from left to right. */
final class AvatarPictures {

    private AvatarPictures() {
    }

    static BufferedImage thirds() {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.RED);
        graphics.fillRect(0, 0, 100, 200);
        graphics.setColor(Color.GREEN);
        graphics.fillRect(100, 0, 100, 200);
        graphics.setColor(Color.BLUE);
        graphics.fillRect(200, 0, 100, 200);
        graphics.dispose();
        return image;
    }

    static byte[] encoded(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No writer for " + format);
            }
            return out.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The same thirds as a lossless WebP (made with cwebp: the JDK writes no WebP). */
    static byte[] webp() {
        try (InputStream in = AvatarPictures.class.getResourceAsStream("/images/thirds-300x200.webp")) {
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A valid 1 × 1 PNG whose header then claims {@code width} × {@code height} (CRC fixed): a decompression bomb's header. */
    static byte[] pngClaiming(int width, int height) {
        byte[] png = encoded(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        ByteBuffer buffer = ByteBuffer.wrap(png);
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        buffer.putInt(12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    static BufferedImage decoded(byte[] bytes) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
