package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** EXIF orientation: all eight values, per the EXIF specification's corner table. */
class ExifOrientationTest {

    /** A 3x2 image whose pixels are all different: value = 10 * (y * 3 + x) + channel. */
    private static RgbImage numbered() {
        byte[] px = new byte[3 * 3 * 2];
        for (int i = 0; i < 6; i++) {
            for (int c = 0; c < 3; c++) {
                px[3 * i + c] = (byte) (10 * i + c);
            }
        }
        return new RgbImage(3, 2, px);
    }

    /**
     * Where the stored top-left (TL) pixel ends up once displayed upright, per EXIF: 1 TL, 2 TR,
     * 3 BR, 4 BL, 5 TL, 6 TR, 7 BR, 8 BL; values 5-8 swap width and height.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void storedCornersLandWhereExifSays(int orientation) {
        RgbImage upright = ExifOrientation.apply(numbered(), orientation);
        boolean swapped = orientation >= 5;
        assertEquals(swapped ? 2 : 3, upright.width());
        assertEquals(swapped ? 3 : 2, upright.height());
        int right = upright.width() - 1;
        int bottom = upright.height() - 1;
        int[][] topLeftGoesTo = {null, {0, 0}, {right, 0}, {right, bottom}, {0, bottom},
                {0, 0}, {right, 0}, {right, bottom}, {0, bottom}};
        int[] at = topLeftGoesTo[orientation];
        assertEquals(0, upright.sample(at[0], at[1], 0), "stored top-left");
        // The stored top-right pixel (index 2) pins down mirroring vs rotation.
        int storedTopRight = 20;
        int[][] topRightGoesTo = {null, {right, 0}, {0, 0}, {0, bottom}, {right, bottom},
                {0, bottom}, {right, bottom}, {right, 0}, {0, 0}};
        int[] tr = topRightGoesTo[orientation];
        assertEquals(storedTopRight, upright.sample(tr[0], tr[1], 0), "stored top-right");
        assertEquals(storedTopRight + 2, upright.sample(tr[0], tr[1], 2), "channels stay in place");
    }

    /** The tag is read from real files: hopper_orientation_6.jpg with its tag rewritten to 1..8. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void tagIsReadFromJpegExif(int orientation) throws ImageFailure {
        byte[] original = ImageFixtures.bytes("edge-images/hopper_orientation_6.jpg");
        ImageDecoder decoder = new ImageDecoder(PreprocessConfig.defaults());
        RgbImage stored = decoder.decode(withOrientation(original, 1));
        RgbImage decoded = decoder.decode(withOrientation(original, orientation));
        assertEquals(orientation, ExifOrientation.read(ImageFormat.JPEG, withOrientation(original, orientation)));
        assertArrayEquals(ExifOrientation.apply(stored, orientation).pixels(), decoded.pixels());
    }

    @Test
    void missingOrUnreadableExifMeansUpright() {
        assertEquals(1, ExifOrientation.read(ImageFormat.JPEG, ImageFixtures.bytes("edge-images/hopper_gray.jpg")));
        assertEquals(1, ExifOrientation.read(ImageFormat.PNG, ImageFixtures.bytes("edge-images/broken.png")));
    }

    /** Rewrites the value of the first Orientation (0x0112) IFD entry of the file's EXIF block. */
    static byte[] withOrientation(byte[] jpeg, int value) {
        byte[] copy = jpeg.clone();
        for (int i = 0; i + 12 < copy.length; i++) {
            boolean bigEndian = (copy[i] & 0xFF) == 0x01 && (copy[i + 1] & 0xFF) == 0x12
                    && copy[i + 2] == 0 && copy[i + 3] == 3;
            boolean littleEndian = (copy[i] & 0xFF) == 0x12 && (copy[i + 1] & 0xFF) == 0x01
                    && copy[i + 2] == 3 && copy[i + 3] == 0;
            if (bigEndian) {
                copy[i + 8] = 0;
                copy[i + 9] = (byte) value;
                return copy;
            }
            if (littleEndian) {
                copy[i + 8] = (byte) value;
                copy[i + 9] = 0;
                return copy;
            }
        }
        throw new AssertionError("no orientation tag found");
    }
}
