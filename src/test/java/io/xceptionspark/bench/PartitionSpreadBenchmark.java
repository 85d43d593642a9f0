package io.xceptionspark.bench;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * How the default partitioning uses the cores (not a test): N 640x480 JPEGs scored by the full-size network
 * (299x299, random weights: the real per-image cost) in local[2], with the default partitions
 * (input.tasks-per-core = 3), or with {@code before}, the count before input.tasks-per-core: ceil(N /
 * images-per-partition), here 64 (a session with spark.default.parallelism = 1 and input.tasks-per-core = 1
 * gives exactly that; the master is still local[2]). Per run: partitions, wall time, images/s and core use (the
 * tasks' summed run time / (wall time x 2 cores)). Usage:
 * {@code PartitionSpreadBenchmark WORK_DIR N[,N...] OUT.json [before]}.
 */
public final class PartitionSpreadBenchmark {
    private PartitionSpreadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        List<Integer> sizes = new ArrayList<>();
        for (String n : args[1].split(",")) {
            sizes.add(Integer.parseInt(n));
        }
        Path report = Path.of(args[2]);
        boolean before = args.length > 3 && args[3].equals("before");
        SparkSession spark = SparkTestSession.local2("partition-spread-bench")
                .config("spark.default.parallelism", before ? "1" : "2")
                .getOrCreate();
        AtomicLong taskMillis = new AtomicLong();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                taskMillis.addAndGet(end.taskInfo().duration());
            }
        });
        int cores = 2;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        StringBuilder json = new StringBuilder("{\n  \"cpu\": \"" + BenchReport.cpuModel() + "\",\n  \"master\": \"local[2]\",\n"
                + "  \"load_average_at_start\": \"" + Files.readString(Path.of("/proc/loadavg")).trim() + "\",\n  \"runs\": [\n");
        // warm-up: load the model once, outside the timings
        Path warm = images(work.resolve("warm"), 2);
        ScoringJob.run(spark, job(warm, work.resolve("out-warm"), false).load(), quiet);
        for (int n : sizes) {
            Path in = images(work.resolve("in-" + n), n);
            {
                Path out = work.resolve("out-" + n + (before ? "-before" : ""));
                taskMillis.set(0);
                long t0 = System.nanoTime();
                RunSummary summary = ScoringJob.run(spark, job(in, out, before).load(), quiet);
                spark.sparkContext().listenerBus().waitUntilEmpty();
                double wall = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("images", n);
                run.put("partitioning", before ? "before: ceil(images / 64)" : "default: tasks-per-core = 3");
                run.put("partitions", summary.partitions());
                run.put("wall_s", Math.round(wall * 100) / 100.0);
                run.put("images_per_s", Math.round(n / wall * 100) / 100.0);
                run.put("core_use", Math.round(taskMillis.get() / 1000.0 / (wall * cores) * 100) / 100.0);
                json.append("    {");
                run.forEach((k, v) -> json.append("\"").append(k).append("\": ")
                        .append(v instanceof String ? "\"" + v + "\"" : v).append(", "));
                json.setLength(json.length() - 2);
                json.append("},\n");
                System.out.println(run);
            }
        }
        json.setLength(json.length() - 2);
        json.append("\n  ]\n}\n");
        spark.stop();
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, json);
        System.out.print(json);
    }

    private static JobConfigLoader job(Path in, Path out, boolean before) {
        JobConfigLoader loader = new JobConfigLoader().setList("input.paths", List.of(in.toString()))
                .set("output.path", out.toString()).set("output.save-mode", "overwrite")
                .set("model.weights", "none").set("input.images-per-partition", "64");
        if (before) {
            loader.set("input.tasks-per-core", "1");
        }
        return loader;
    }

    /** {@code n} 640x480 JPEGs with some texture (kept when already there). */
    private static Path images(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(n);
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve(String.format("img_%05d.jpg", i));
            if (Files.exists(file)) {
                continue;
            }
            BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
            int base = random.nextInt(1 << 24);
            for (int y = 0; y < 480; y++) {
                for (int x = 0; x < 640; x++) {
                    image.setRGB(x, y, base + ((x * 3 + y) & 0xFF) * 0x010101 + random.nextInt(32));
                }
            }
            ImageIO.write(image, "jpeg", file.toFile());
        }
        return dir;
    }
}
