package io.xceptionspark.image;

/**
 * An 8-bit RGB picture, pixels interleaved row by row ({@code r, g, b, r, g, b, ...}); the
 * intermediate form between decoding and resizing (what PIL calls mode "RGB").
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width < 1 || height < 1 || pixels == null || pixels.length != 3 * width * height) {
            throw new IllegalArgumentException("bad RGB image " + width + "x" + height);
        }
    }

    /** Channel {@code c} (0 = R) of pixel (x, y), 0-255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }
}
