package io.xceptionspark.image;

import io.xceptionspark.testing.TestData;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The image test material ({@link TestData}) as bytes, and pixel comparisons. */
final class ImageFixtures {
    private ImageFixtures() {
    }

    static Path path(String relative) {
        return TestData.path(relative);
    }

    /** A file under src/test/data, e.g. {@code edge-images/hopper.bmp}. */
    static byte[] bytes(String relative) {
        return read(path(relative));
    }

    /** A sample photo of sample-data/, e.g. {@code chelsea.png}. */
    static byte[] sampleBytes(String name) {
        return read(TestData.sample(name));
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reference PNG (8-bit RGB) as an RgbImage. */
    static RgbImage referencePng(String relative) {
        try {
            BufferedImage image = ImageIO.read(path(relative).toFile());
            return RgbConverter.toRgb(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean and 99th percentile of |a - b| over all samples. */
    record Diff(double mean, int p99, int max) {
        @Override
        public String toString() {
            return String.format("mean %.3f p99 %d max %d", mean, p99, max);
        }
    }

    static Diff diff(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new AssertionError("size " + a.width() + "x" + a.height() + " != " + b.width() + "x" + b.height());
        }
        byte[] pa = a.pixels();
        byte[] pb = b.pixels();
        int[] d = new int[pa.length];
        long sum = 0;
        for (int i = 0; i < pa.length; i++) {
            d[i] = Math.abs((pa[i] & 0xFF) - (pb[i] & 0xFF));
            sum += d[i];
        }
        Arrays.sort(d);
        int p99 = d[(int) Math.ceil(0.99 * d.length) - 1];
        return new Diff((double) sum / d.length, p99, d[d.length - 1]);
    }
}
