package io.xceptionspark.image;

import java.util.Arrays;

/**
 * Child-JVM entry point for {@link SimdSupportTest}: prints whether the resampler runs on the Vector API
 * in this JVM, then a hash of a 12 MP-like resize in every EXIF orientation (equal on every path).
 */
public final class SimdProbe {
    private SimdProbe() {
    }

    public static void main(String[] args) {
        System.out.println(PilResampler.vectorPass());
        System.out.println(resizeHash());
    }

    /** Resizes a noise picture of 1344x1008 to the 299 crop of 399x299, in orientations 1-8. */
    static int resizeHash() {
        int w = 1344;
        int h = 1008;
        int[] pixels = new int[w * h];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        Arrays.setAll(pixels, i -> random.nextInt(1 << 24));
        int hash = 1;
        for (int orientation = 1; orientation <= 8; orientation++) {
            PackedRgb src = new PackedRgb(w, h, pixels, orientation);
            int outW = src.uprightWidth() > src.uprightHeight() ? 399 : 299;
            int outH = outW == 399 ? 299 : 399;
            RgbImage out = PilResampler.resizeCropped(src, outW, outH, Interpolation.BICUBIC, (outW - 299) / 2,
                    (outH - 299) / 2, 299, 299);
            hash = 31 * hash + Arrays.hashCode(out.pixels());
        }
        return hash;
    }
}
