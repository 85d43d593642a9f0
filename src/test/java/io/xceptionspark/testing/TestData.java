package io.xceptionspark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;

/**
 * The test material in the repository: {@code src/test/data} (copies of the reference fixtures, damaged images and
 * format samples, each folder with its README/SOURCES) and the sample photos of {@code sample-data/}. Paths are
 * relative to the project directory, the working directory Maven's test runner uses.
 */
public final class TestData {
    private static final Path DATA = Paths.get("src", "test", "data");
    private static final Path SAMPLES = Paths.get("sample-data");

    private TestData() {}

    /** A file or folder under src/test/data, e.g. {@code edge-images/hopper.bmp}. */
    public static Path path(String relative) {
        return existing(DATA).resolve(relative);
    }

    /** The folder of the 13 sample photos (sample-data/, also the README's sample job input). */
    public static Path samples() {
        return existing(SAMPLES);
    }

    /** One sample photo, e.g. {@code dog.jpg}. */
    public static Path sample(String name) {
        return samples().resolve(name);
    }

    private static Path existing(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalStateException("test material not found at " + absolute
                    + ": run the tests from the project directory (mvn does)");
        }
        return absolute;
    }

    public static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    public static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    /** An RGB image file as Keras feeds it with no resizing: channels-first, x / 127.5 - 1. */
    public static float[] kerasInput(Path imageFile) {
        try {
            BufferedImage image = ImageIO.read(imageFile.toFile());
            int h = image.getHeight();
            int w = image.getWidth();
            float[] chw = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = image.getRGB(x, y);
                    chw[y * w + x] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
                    chw[h * w + y * w + x] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
                    chw[2 * h * w + y * w + x] = (rgb & 0xff) / 127.5f - 1f;
                }
            }
            return chw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Indices of the k largest values, largest first. */
    public static int[] topK(float[] values, int k) {
        return java.util.stream.IntStream.range(0, values.length).boxed()
                .sorted((i, j) -> Float.compare(values[j], values[i])).limit(k).mapToInt(Integer::intValue).toArray();
    }
}
