package io.xceptionspark.bench;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.spark.SparkSessions;
import io.xceptionspark.spark.XceptionKryoRegistrator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * The wall time of an incremental run that finds nothing to do, Parquet vs Delta: {@code FILES} small
 * JPEGs (64x64) are scored once per format at Xception's smallest input (71x71, random weights), then the
 * same incremental run is repeated and timed (listing, anti-join against the output, lock, summary; Spark
 * start-up excluded). Usage: {@code IncrementalNoopBenchmark WORK_DIR FILES REPEATS OUT.json}.
 */
public final class IncrementalNoopBenchmark {
    private IncrementalNoopBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        int files = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        Path report = Path.of(args[3]);
        Path in = images(work.resolve("in-" + files), files);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("incremental-noop-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.serializer", SparkSessions.KRYO_SERIALIZER)
                .config("spark.kryo.registrator", XceptionKryoRegistrator.class.getName())
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("cpu_flags", cpuFlags());
        figures.put("files", files);
        figures.put("master", "local[2]");
        for (String format : List.of("parquet", "delta")) {
            Path out = work.resolve("out-" + format);
            deleteRecursively(out);
            JobConfig job = new JobConfigLoader().setList("input.paths", List.of(in.toString()))
                    .set("output.path", out.toString()).set("output.format", format)
                    .set("output.incremental", "true").set("output.save-mode", "append")
                    .set("model.weights", "none").set("model.input-height", "71").set("model.input-width", "71")
                    .set("input.images-per-partition", "250").load();
            RunSummary first = ScoringJob.run(spark, job, quiet);
            double[] seconds = new double[repeats];
            long skipped = 0;
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                RunSummary noop = ScoringJob.run(spark, job, quiet);
                seconds[i] = (System.nanoTime() - start) / 1e9;
                skipped = noop.skipped();
                if (noop.scored() + noop.failed() != 0) {
                    throw new IllegalStateException("the repeat scored files: " + noop.table());
                }
            }
            Arrays.sort(seconds);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("first_run_rows", first.scored() + first.failed());
            f.put("noop_skipped", skipped);
            f.put("noop_seconds_median", round(seconds[repeats / 2]));
            f.put("noop_seconds_best", round(seconds[0]));
            f.put("noop_seconds_all", Arrays.stream(seconds).map(IncrementalNoopBenchmark::round).boxed().toList());
            figures.put(format, f);
            System.out.printf("%-8s no-op incremental run over %d scored files: median %.2f s, best %.2f s%n",
                    format, skipped, seconds[repeats / 2], seconds[0]);
        }
        spark.stop();
        Map<String, Object> out = BenchReport.withMachine(figures);
        System.out.println("machine: " + out.get("machine") + ", flags: " + figures.get("cpu_flags"));
        BenchReport.writeJson(report, out);
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    /** Noise JPEGs, each different (so no two files share bytes), 64x64. */
    private static Path images(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(String.format("img-%05d.jpg", i));
            if (Files.exists(file)) {
                continue;
            }
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(image, "jpg", file.toFile());
        }
        return dir;
    }

    /** The SIMD flags that matter for libtorch on x86 (from /proc/cpuinfo). */
    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    List<String> wanted = new ArrayList<>();
                    for (String flag : line.substring(line.indexOf(':') + 1).trim().split(" ")) {
                        if (flag.startsWith("avx") || flag.equals("fma") || flag.startsWith("amx")) {
                            wanted.add(flag);
                        }
                    }
                    return String.join(" ", wanted);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
