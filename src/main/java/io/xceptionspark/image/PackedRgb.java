package io.xceptionspark.image;

/**
 * A decoded 8-bit RGB picture as the resampler reads it: one int per pixel, {@code 0x00BBGGRR}, rows
 * in the file's stored order, plus the EXIF orientation (1-8) that turns it upright. The orientation is
 * applied by reading through {@link #origin()}, {@link #xStep()} and {@link #yStep()}, never by
 * copying the picture (a 12-megapixel rotation would cost as much as the resize).
 *
 * @param width       stored width
 * @param height      stored height
 * @param pixels      {@code width * height} packed pixels, row by row
 * @param orientation EXIF orientation, as {@link ExifOrientation#apply} defines it
 */
public record PackedRgb(int width, int height, int[] pixels, int orientation) {
    public PackedRgb {
        if (width < 1 || height < 1 || pixels == null || pixels.length != width * height) {
            throw new IllegalArgumentException("bad packed image " + width + "x" + height);
        }
        if (orientation < 1 || orientation > 8) {
            orientation = 1; // what ExifOrientation.read returns for anything else: no rotation
        }
    }

    /** The upright picture of an {@link RgbImage} (orientation 1). */
    public static PackedRgb of(RgbImage image) {
        byte[] b = image.pixels();
        int[] p = new int[image.width() * image.height()];
        for (int i = 0, j = 0; i < p.length; i++, j += 3) {
            p[i] = pack(b[j] & 0xFF, b[j + 1] & 0xFF, b[j + 2] & 0xFF);
        }
        return new PackedRgb(image.width(), image.height(), p, 1);
    }

    static int pack(int r, int g, int b) {
        return r | g << 8 | b << 16;
    }

    /** Orientations 5-8 swap the sides. */
    private boolean transposed() {
        return orientation >= 5;
    }

    public int uprightWidth() {
        return transposed() ? height : width;
    }

    public int uprightHeight() {
        return transposed() ? width : height;
    }

    /**
     * Index in {@link #pixels()} of the upright picture's top-left pixel; upright pixel (x, y) is at
     * {@code origin() + x * xStep() + y * yStep()}.
     */
    public int origin() {
        int right = width - 1;
        int bottom = (height - 1) * width;
        return switch (orientation) {
            case 2, 8 -> right;
            case 3, 7 -> bottom + right;
            case 4, 6 -> bottom;
            default -> 0; // 1, 5
        };
    }

    /** Index step of one upright pixel to the right. */
    public int xStep() {
        return switch (orientation) {
            case 2, 3 -> -1;
            case 5, 8 -> width;
            case 6, 7 -> -width;
            default -> 1; // 1, 4
        };
    }

    /** Index step of one upright row down. */
    public int yStep() {
        return switch (orientation) {
            case 3, 4 -> -width;
            case 5, 6 -> 1;
            case 7, 8 -> -1;
            default -> width; // 1, 2
        };
    }

    /** The upright picture as interleaved bytes (for tests and tools; the resampler reads this one). */
    public RgbImage toRgbImage() {
        int w = uprightWidth();
        int h = uprightHeight();
        byte[] out = new byte[3 * w * h];
        int origin = origin();
        int xs = xStep();
        int ys = yStep();
        int o = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0, p = origin + y * ys; x < w; x++, p += xs) {
                int v = pixels[p];
                out[o++] = (byte) v;
                out[o++] = (byte) (v >> 8);
                out[o++] = (byte) (v >> 16);
            }
        }
        return new RgbImage(w, h, out);
    }
}
