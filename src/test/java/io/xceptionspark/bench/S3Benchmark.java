package io.xceptionspark.bench;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.InputFiles;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.S3Store;
import io.xceptionspark.testing.SparkTestSession;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The S3 benchmark (scripts/bench-s3.sh). One JVM, local[2], S3Proxy on 127.0.0.1 over its filesystem store:
 * <ol>
 *   <li>the job over the same photos from local disk and from S3 (uploaded through S3A), Xception at 299x299
 *       with random weights, labels, into a local Parquet output: images/s of each and their ratio (after a
 *       warm-up run that is not counted);</li>
 *   <li>S3A's own recursive listing, then the job's ({@link InputFiles#list}, the driver-side listing every run
 *       does), of FOLDERS x PER_FOLDER zero-byte objects under one prefix (written into the store's directory directly: S3Proxy's
 *       filesystem store serves the files it finds).</li>
 * </ol>
 * Usage: S3Benchmark WORK PHOTOS_DIR LISTING_FOLDERS LISTING_PER_FOLDER REPORT.json
 */
public final class S3Benchmark {
    private S3Benchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path photos = Path.of(args[1]);
        int folders = Integer.parseInt(args[2]);
        int perFolder = Integer.parseInt(args[3]);
        Path report = Path.of(args[4]);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("cpu", BenchReport.cpuModel());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        long photoCount;
        try (var files = Files.list(photos)) {
            photoCount = files.count();
        }
        figures.put("photos", photoCount);
        try (S3Store s3 = S3Store.start(work.resolve("s3"), "bench")) {
            SparkSession spark = SparkTestSession.local2("s3-bench").config("spark.sql.shuffle.partitions", "8")
                    .getOrCreate();
            s3.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);

            long t0 = System.nanoTime();
            s3.upload(photos, "photos");
            figures.put("upload_s", seconds(t0));

            run(spark, photos.toUri().toString(), work.resolve("warmup"), 64); // JIT, model load: not counted
            RunSummary local = run(spark, photos.toUri().toString(), work.resolve("out-local"), Integer.MAX_VALUE);
            RunSummary remote = run(spark, s3.uri("photos"), work.resolve("out-s3"), Integer.MAX_VALUE);
            figures.put("local_images_per_s", round(local.imagesPerSecond()));
            figures.put("s3_images_per_s", round(remote.imagesPerSecond()));
            figures.put("s3_over_local", round(remote.imagesPerSecond() / local.imagesPerSecond()));
            figures.put("local_run_s", round(local.durationSeconds()));
            figures.put("s3_run_s", round(remote.durationSeconds()));
            System.out.printf("job over %d photos: local %.2f images/s, S3 %.2f images/s, ratio %.3f%n", photoCount,
                    local.imagesPerSecond(), remote.imagesPerSecond(), remote.imagesPerSecond() / local.imagesPerSecond());

            long t1 = System.nanoTime();
            Path listing = s3.root().resolve("bench").resolve("listing");
            for (int f = 0; f < folders; f++) {
                Path dir = Files.createDirectories(listing.resolve(String.format("d%04d", f)));
                for (int i = 0; i < perFolder; i++) {
                    Files.createFile(dir.resolve(String.format("f%05d.jpg", i)));
                }
            }
            figures.put("listing_objects", (long) folders * perFolder);
            figures.put("listing_make_s", seconds(t1));
            long tRaw = System.nanoTime();
            long rawCount = 0;
            var it = s3.fs().listFiles(new org.apache.hadoop.fs.Path(s3.uri("listing")), true);
            while (it.hasNext()) {
                it.next();
                rawCount++;
            }
            figures.put("store_listing_s", seconds(tRaw)); // S3A's own recursive listing: what the store costs
            figures.put("store_listing_found", rawCount);
            JobConfigLoader listJob = new JobConfigLoader().setList("input.paths", List.of(s3.uri("listing")))
                    .set("output.path", work.resolve("unused").toString()).set("model.weights", "none");
            long t2 = System.nanoTime();
            InputFiles listed = InputFiles.list(spark, listJob.load().input());
            double listSeconds = seconds(t2);
            figures.put("listing_found", listed.count());
            figures.put("listing_s", listSeconds);
            System.out.printf("listing of %d objects under one S3 prefix: %.1f s (%d found)%n",
                    (long) folders * perFolder, listSeconds, listed.count());
            spark.stop();
        }
        BenchReport.writeJson(report, figures);
    }

    private static RunSummary run(SparkSession spark, String input, Path out, int maxFiles) {
        JobConfigLoader job = new JobConfigLoader().setList("input.paths", List.of(input))
                .set("output.path", out.toString()).set("model.weights", "none"); // the defaults: 299x299, labels
        if (maxFiles != Integer.MAX_VALUE) {
            job.set("input.path-glob-filter", "*-000[0-9].jpg"); // a few files: warm-up only
        }
        return ScoringJob.run(spark, job.load(), new PrintStream(OutputStream.nullOutputStream()));
    }

    private static double seconds(long start) {
        return round((System.nanoTime() - start) / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
