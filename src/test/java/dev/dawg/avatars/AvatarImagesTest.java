package dev.dawg.avatars;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.dawg.platform.web.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvatarImagesTest {

    @ParameterizedTest
    @ValueSource(strings = { "png", "jpeg", "webp" })
    void shouldMakeSquarePngThumbnailsOfTheCentreOfEachFormat(String format) {
        byte[] upload = format.equals("webp") ? AvatarPictures.webp() : AvatarPictures.encoded(AvatarPictures.thirds(), format);

        Map<Integer, byte[]> thumbnails = AvatarImages.thumbnails(upload);

        assertThat(thumbnails).containsOnlyKeys(256, 64);
        for (Map.Entry<Integer, byte[]> thumbnail : thumbnails.entrySet()) {
            assertThat(Arrays.copyOf(thumbnail.getValue(), 4)).as("PNG signature").containsExactly(0x89, 'P', 'N', 'G');
            BufferedImage image = AvatarPictures.decoded(thumbnail.getValue());
            int size = thumbnail.getKey();
            assertThat(image.getWidth()).isEqualTo(size);
            assertThat(image.getHeight()).isEqualTo(size);
            // The centre 200 × 200 of the thirds: a red quarter, green in the middle, a blue quarter.
            assertThat(near(new Color(image.getRGB(size / 10, size / 2)), Color.RED)).as("left").isTrue();
            assertThat(near(new Color(image.getRGB(size / 2, size / 2)), Color.GREEN)).as("centre").isTrue();
            assertThat(near(new Color(image.getRGB(size - 1 - size / 10, size / 2)), Color.BLUE)).as("right").isTrue();
        }
    }

    @Test
    void shouldDecodeAPhotoLargerThanTheDecodeSizeSubsampled() {
        BufferedImage large = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        Map<Integer, byte[]> thumbnails = AvatarImages.thumbnails(AvatarPictures.encoded(large, "jpeg"));
        assertThat(AvatarPictures.decoded(thumbnails.get(256)).getWidth()).isEqualTo(256);
    }

    @Test
    void shouldRefuseAHeaderClaimingTooManyPixelsBeforeDecodingThem() {
        assertProblem(AvatarPictures.pngClaiming(40_000, 40_000), 422, "40000 × 40000");
        assertProblem(AvatarPictures.pngClaiming(10_000, 10_000), 422, "megapixels");
    }

    @Test
    void shouldRefuseOtherFormatsByContent() {
        assertProblem(AvatarPictures.encoded(AvatarPictures.thirds(), "gif"), 415, "PNG, JPEG or WebP");
        assertProblem(AvatarPictures.encoded(AvatarPictures.thirds(), "bmp"), 415, "PNG, JPEG or WebP");
        assertProblem("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8), 415, "PNG, JPEG or WebP");
        assertProblem(new byte[0], 415, "PNG, JPEG or WebP");
    }

    @Test
    void shouldRefuseADamagedPicture() {
        byte[] png = AvatarPictures.encoded(AvatarPictures.thirds(), "png");
        assertProblem(Arrays.copyOf(png, png.length / 2), 422, "could not be decoded");
        byte[] jpeg = AvatarPictures.encoded(AvatarPictures.thirds(), "jpeg");
        assertProblem(Arrays.copyOf(jpeg, 200), 422, "could not be decoded");
    }

    private static void assertProblem(byte[] upload, int status, String detail) {
        assertThatThrownBy(() -> AvatarImages.thumbnails(upload)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status().value()).isEqualTo(status);
            assertThat(problem.getMessage()).contains(detail);
        });
    }

    private static boolean near(Color actual, Color expected) {
        return Math.abs(actual.getRed() - expected.getRed()) < 40 && Math.abs(actual.getGreen() - expected.getGreen()) < 40
                && Math.abs(actual.getBlue() - expected.getBlue()) < 40;
    }
}
