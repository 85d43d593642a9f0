package io.xceptionspark.testing;

import io.xceptionspark.config.JobConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job configurations for plumbing tests: random weights (model.weights = none) at Xception's smallest
 * input, 71x71, so scoring costs milliseconds per image. Each call gets its own seed, so its model is a
 * fresh entry of the executor-wide model cache.
 */
public final class TestJobs {
    private static final AtomicLong SEEDS = new AtomicLong(1000);

    private TestJobs() {}

    /** A loader for a small random-weights job reading {@code inputs} and writing {@code output}. */
    public static JobConfigLoader small(List<Path> inputs, Path output) {
        return new JobConfigLoader()
                .setList("input.paths", inputs.stream().map(Path::toString).toList())
                .set("output.path", output.toString())
                .set("model.weights", "none")
                .set("model.seed", Long.toString(SEEDS.incrementAndGet()))
                .set("model.input-height", "71")
                .set("model.input-width", "71");
    }

    /** Copies the 13 sample photos of sample-data/ into a directory (created if needed), each name after {@code prefix}. */
    public static void copySamples(Path dir, String prefix) throws java.io.IOException {
        Files.createDirectories(dir);
        try (java.util.stream.Stream<Path> sample = Files.list(TestData.samples())) {
            for (Path f : sample.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList()) {
                Files.copy(f, dir.resolve(prefix + f.getFileName()));
            }
        }
    }

    /** Copies files into a directory (created if needed). */
    public static void copy(Path dir, Path... files) throws java.io.IOException {
        Files.createDirectories(dir);
        for (Path f : files) {
            Files.copy(f, dir.resolve(f.getFileName()));
        }
    }
}
