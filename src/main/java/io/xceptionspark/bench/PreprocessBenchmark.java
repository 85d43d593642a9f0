package io.xceptionspark.bench;

import io.xceptionspark.image.ImagePreprocessor;
import io.xceptionspark.image.PreparedImage;
import io.xceptionspark.image.PreprocessConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decode + preprocess throughput on one core: images per second through
 * {@link ImagePreprocessor#prepareInto}, single-threaded, after a warm-up (JIT, codec
 * initialisation). Usage: {@code PreprocessBenchmark IMAGE_DIR [seconds]}.
 */
public final class PreprocessBenchmark {
    private PreprocessBenchmark() {
    }

    /**
     * Measures images/second on the calling thread (one core) for the default config, cycling
     * through {@code images} for about {@code seconds} after a warm-up of the same length.
     */
    public static double imagesPerSecond(List<byte[]> images, double seconds) {
        return imagesPerSecond(images, seconds, PreprocessConfig.defaults());
    }

    public static double imagesPerSecond(List<byte[]> images, double seconds, PreprocessConfig config) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to measure");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(config);
        float[] buffer = new float[config.floatsPerImage()];
        run(preprocessor, images, buffer, (long) (seconds * 1e9)); // warm-up
        long start = System.nanoTime();
        long count = run(preprocessor, images, buffer, (long) (seconds * 1e9));
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static long run(ImagePreprocessor preprocessor, List<byte[]> images, float[] buffer, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long count = 0;
        do {
            for (byte[] image : images) {
                Optional<PreparedImage.Failed> failed = preprocessor.prepareInto(image, buffer, 0);
                failed.ifPresent(f -> {
                    throw new IllegalStateException("benchmark image failed: " + f);
                });
                count++;
            }
        } while (System.nanoTime() < deadline);
        return count;
    }

    /** Reads every regular file of {@code dir} that prepares successfully (others are skipped). */
    public static List<byte[]> loadImages(Path dir) throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        List<byte[]> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (preprocessor.prepare(bytes) instanceof PreparedImage.Ready) {
                    images.add(bytes);
                }
            }
        }
        return images;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PreprocessBenchmark IMAGE_DIR [seconds]");
            System.exit(2);
        }
        List<byte[]> images = loadImages(Path.of(args[0]));
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        double rate = imagesPerSecond(images, seconds);
        System.out.printf("decode + preprocess (299 crop, bicubic): %.1f images/s per core over %d images "
                + "(%.2f ms/image)%n", rate, images.size(), 1000 / rate);
    }
}
