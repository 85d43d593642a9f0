package io.xceptionspark.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The packed, stride-reading resampler equals the reference transcription of Pillow's Resample.c
 * ({@link ReferenceResampler}) byte for byte: every filter, shrinking and enlarging, crop windows at the
 * edges, one dimension unchanged, and the picture read through each of the eight EXIF orientations
 * (against the upright copy {@link ExifOrientation#apply} makes).
 */
class PilResamplerTest {

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3} crop {4}x{5}+{6}+{7} {8}")
    @CsvSource({
            "640, 427, 499, 333, 299, 299, 100, 17, BICUBIC",
            "427, 640, 333, 499, 299, 299, 17, 100, BICUBIC",
            "1013, 771, 333, 253, 333, 253, 0, 0, BICUBIC",
            "97, 61, 333, 209, 299, 209, 34, 0, BICUBIC",
            "300, 200, 300, 150, 120, 100, 180, 50, BILINEAR",
            "300, 200, 150, 200, 150, 200, 0, 0, BILINEAR",
            "64, 48, 299, 299, 299, 299, 0, 0, BILINEAR",
            "641, 479, 333, 249, 299, 249, 17, 0, NEAREST",
            "33, 47, 333, 474, 299, 299, 17, 87, NEAREST",
            "5, 3, 5, 3, 2, 2, 3, 1, BICUBIC",
            "1, 1, 299, 299, 299, 299, 0, 0, BICUBIC",
    })
    void equalsTheReferenceInEveryOrientation(int w, int h, int outW, int outH, int cropW, int cropH, int cropX,
                                              int cropY, Interpolation filter) {
        RgbImage stored = noise(w, h, 31L * w + h);
        for (int orientation = 1; orientation <= 8; orientation++) {
            RgbImage upright = ExifOrientation.apply(stored, orientation);
            if (upright.width() != w) {
                continue; // the plan's sizes are for the upright picture; transposed cases run with swapped rows
            }
            check(stored, orientation, upright, outW, outH, cropW, cropH, cropX, cropY, filter);
        }
        RgbImage transposedStored = noise(h, w, 17L * w + h);
        for (int orientation = 5; orientation <= 8; orientation++) {
            RgbImage upright = ExifOrientation.apply(transposedStored, orientation);
            check(transposedStored, orientation, upright, outW, outH, cropW, cropH, cropX, cropY, filter);
        }
    }

    /**
     * The Vector API first pass (16 taps at a time, weights padded with zeros, the scalar loop for the
     * outputs at the array's end; mirrored weights right to left; 16 upright rows at a time over stored
     * columns) equals the scalar pass bit for bit, shrinking like a 12 MP photo and enlarging, in every
     * EXIF orientation; and it is in use on a CPU with AVX-512 (over stored rows) or AVX2 (over stored
     * columns) (the test JVM has C2 and --add-modules jdk.incubator.vector).
     */
    @ParameterizedTest(name = "{0}x{1} -> {2} of {3}")
    @CsvSource({
            "1344, 1008, 299, 399",
            "1008, 1344, 299, 399",
            "977, 33, 200, 300",
            "33, 977, 20, 30",
            "40, 30, 299, 333",
            "7, 5, 3, 4",
    })
    void vectorFirstPassEqualsTheScalarOne(int w, int h, int cropW, int outW) {
        // both kernels are called directly, whatever this JVM would choose: the test JVM runs C1 only, where
        // SimdSupport turns the vector kernels off for speed (SimdSupportTest checks that choice in child JVMs)
        int[] pixels = PackedRgb.of(noise(w, h, 7L * w + h)).pixels();
        int cropX = (outW - cropW) / 2;
        for (int orientation = 1; orientation <= 8; orientation++) {
            // the upright picture is w x h: transposed orientations store it h x w
            PackedRgb src = orientation >= 5 ? new PackedRgb(h, w, pixels, orientation)
                    : new PackedRgb(w, h, pixels, orientation);
            for (PilResampler.Kernel kernel : PilResampler.Kernel.values()) {
                int[] scalar = PilResampler.horizontalPass(src, 0, h,
                        PilResampler.Weights.compute(w, outW, kernel, cropX, cropW), false);
                int[] vector = PilResampler.horizontalPass(src, 0, h,
                        PilResampler.Weights.compute(w, outW, kernel, cropX, cropW, SimdSupport.LANES), true);
                assertArrayEquals(scalar, vector, kernel.name() + " orientation " + orientation);
            }
        }
    }

    /** The Vector API second pass (16 output pixels at a time, the rest scalar) equals the scalar pass. */
    @ParameterizedTest(name = "{0} rows of {1} -> {2}")
    @CsvSource({
            "3024, 299, 299",
            "333, 299, 299",
            "40, 37, 299",
            "9, 5, 4",
    })
    void vectorSecondPassEqualsTheScalarOne(int inRows, int width, int outRows) {
        int[] rows = PackedRgb.of(noise(width, inRows, 13L * inRows + width)).pixels();
        for (PilResampler.Kernel kernel : PilResampler.Kernel.values()) {
            PilResampler.Weights wy = PilResampler.Weights.compute(inRows, outRows, kernel, 0, outRows);
            byte[] scalar = PilResampler.verticalPass(rows, width, 0, wy);
            byte[] vector = SimdPasses.verticalPass(rows, width, 0, wy.min, wy.len, wy.k, wy.ksize, wy.count,
                    1 << (PilResampler.PRECISION_BITS - 1));
            assertArrayEquals(scalar, vector, kernel.name());
        }
    }

    private static void check(RgbImage stored, int orientation, RgbImage upright, int outW, int outH, int cropW,
                              int cropH, int cropX, int cropY, Interpolation filter) {
        RgbImage expected = ReferenceResampler.resizeCropped(upright, outW, outH, filter, cropX, cropY, cropW, cropH);
        PackedRgb packed = PackedRgb.of(stored);
        RgbImage actual = PilResampler.resizeCropped(new PackedRgb(stored.width(), stored.height(), packed.pixels(),
                orientation), outW, outH, filter, cropX, cropY, cropW, cropH);
        assertArrayEquals(expected.pixels(), actual.pixels(), "orientation " + orientation);
    }

    /** Random pixels with some flat and saturated areas, so clipping at 0 and 255 is exercised. */
    private static RgbImage noise(int w, int h, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] px = new byte[3 * w * h];
        for (int i = 0; i < px.length; i++) {
            int region = (i / 3 % w) * 4 / w;
            px[i] = (byte) switch (region) {
                case 0 -> 0;
                case 1 -> 255;
                default -> random.nextInt(256);
            };
        }
        return new RgbImage(w, h, px);
    }
}
