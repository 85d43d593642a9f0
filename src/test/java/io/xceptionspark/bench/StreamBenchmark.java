package io.xceptionspark.bench;

import com.sun.net.httpserver.HttpServer;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.SparkTestSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The input modes of issue 28 against the batch job, in one local[2] JVM (Spark start-up and a warm-up run excluded):
 * <ol>
 *   <li>{@code IMAGES} web-size JPEGs (BenchImages, from sample-data/): the batch job, then score --stream
 *       (Trigger.AvailableNow, one micro-batch) over the same folder: images/s of each (files / wall time of the run)
 *       and their ratio;</li>
 *   <li>the same files as a Parquet manifest of local paths and as one of http://127.0.0.1 URLs (a JDK HTTP server
 *       in this JVM): images/s and their ratio;</li>
 *   <li>{@code NOOP_FILES} zero-byte files in folders of 1,000: scored once by an incremental batch run and once by a
 *       stream, then the run that finds nothing to do, timed for each.</li>
 * </ol>
 * Random weights ({@code model.weights = none}: the same computation as trained ones) at {@code INPUT} px.
 * IMAGES = 0 leaves out 1 and 2; MAX_FILES_PER_TRIGGER (default 0, no limit) sets the no-op stream's micro-batches.
 * Usage: {@code StreamBenchmark WORK IMAGES NOOP_FILES OUT.json [INPUT [MAX_FILES_PER_TRIGGER]]}.
 */
public final class StreamBenchmark {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private StreamBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int images = Integer.parseInt(args[1]);
        int noopFiles = Integer.parseInt(args[2]);
        Path report = Path.of(args[3]);
        String input = args.length > 4 ? args[4] : "299";
        String maxFilesPerTrigger = args.length > 5 ? args[5] : "0";
        Path web = work.resolve("web-" + images);
        if (images > 0 && !Files.isDirectory(web)) {
            BenchImages.main(new String[] {"sample-data", web.toString(), Integer.toString(images)});
        }
        SparkSession spark = SparkTestSession.local2("stream-bench")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("master", "local[2]");
        figures.put("input_px", input);
        figures.put("images", images);

        if (images > 0) {
            imageRuns(spark, work, web, images, input, figures);
        }
        if (noopFiles > 0) {
            noopRuns(spark, work, noopFiles, input, maxFilesPerTrigger, figures);
        }
        spark.stop();
        Map<String, Object> out = BenchReport.withMachine(figures);
        System.out.println("machine: " + out.get("machine"));
        BenchReport.writeJson(report, out);
    }

    private static void imageRuns(SparkSession spark, Path work, Path web, int images, String input,
                                  Map<String, Object> figures) throws IOException {
        // warm-up: model load, JIT
        Path warm = work.resolve("warm");
        copyFirst(web, warm, 40);
        ScoringJob.run(spark, job(input, warm, fresh(work.resolve("out-warm"))).load(), QUIET);

        double batch = rate(ScoringJob.run(spark, job(input, web, fresh(work.resolve("out-batch"))).load(), QUIET), images, "batch job");
        double stream = rate(ScoringJob.run(spark, job(input, web, fresh(work.resolve("out-stream")))
                .set("input.mode", "stream").set("output.save-mode", "append")
                .set("input.stream.checkpoint", fresh(work.resolve("cp-stream")).toString()).load(), QUIET),
                images, "stream (AvailableNow)");
        figures.put("batch_images_per_s", round(batch));
        figures.put("stream_images_per_s", round(stream));
        figures.put("stream_vs_batch", round(stream / batch));

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        java.util.concurrent.ExecutorService serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = Files.readAllBytes(web.resolve(exchange.getRequestURI().getPath().substring(1)));
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        List<String> names;
        try (Stream<Path> files = Files.list(web)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Path localManifest = manifest(spark, work.resolve("manifest-local"),
                names.stream().map(n -> web.resolve(n).toUri().toString()).toList());
        Path httpManifest = manifest(spark, work.resolve("manifest-http"), names.stream()
                .map(n -> "http://127.0.0.1:" + server.getAddress().getPort() + "/" + n).toList());
        double local = rate(ScoringJob.run(spark, manifestJob(input, localManifest, work.resolve("out-manifest-local")).load(),
                QUIET), images, "manifest of local paths");
        double http = rate(ScoringJob.run(spark, manifestJob(input, httpManifest, work.resolve("out-manifest-http")).load(),
                QUIET), images, "manifest of http://127.0.0.1 URLs");
        server.stop(0);
        serverThreads.shutdownNow();
        figures.put("manifest_local_images_per_s", round(local));
        figures.put("manifest_http_images_per_s", round(http));
        figures.put("manifest_http_vs_local", round(http / local));
    }

    private static void noopRuns(SparkSession spark, Path work, int noopFiles, String input, String maxFilesPerTrigger,
                                 Map<String, Object> figures) throws IOException {
        Path many = emptyFiles(work.resolve("empty-" + noopFiles), noopFiles);
        JobConfigLoader incremental = job(input, many, fresh(work.resolve("out-noop-batch")))
                .set("output.incremental", "true").set("output.save-mode", "append")
                .set("input.images-per-partition", "5000");
        JobConfigLoader streaming = job(input, many, fresh(work.resolve("out-noop-stream")))
                .set("input.mode", "stream").set("output.save-mode", "append")
                .set("input.stream.checkpoint", fresh(work.resolve("cp-noop")).toString())
                .set("input.stream.max-files-per-trigger", maxFilesPerTrigger)
                .set("input.images-per-partition", "5000");
        figures.put("noop_files", noopFiles);
        figures.put("noop_stream_max_files_per_trigger", Integer.parseInt(maxFilesPerTrigger));
        figures.put("noop_batch_first_run_s", round(timed(spark, incremental, noopFiles)));
        figures.put("noop_stream_first_run_s", round(timed(spark, streaming, noopFiles)));
        List<Double> batchNoop = new ArrayList<>();
        List<Double> streamNoop = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            batchNoop.add(round(timed(spark, incremental, 0)));
            streamNoop.add(round(timed(spark, streaming, 0)));
        }
        figures.put("noop_batch_incremental_s", batchNoop);
        figures.put("noop_stream_available_now_s", streamNoop);
        System.out.printf("no-op over %d scored files: incremental batch %s s, AvailableNow stream %s s%n",
                noopFiles, batchNoop, streamNoop);
    }

    private static JobConfigLoader job(String input, Path in, Path out) {
        return new JobConfigLoader().setList("input.paths", List.of(in.toString())).set("output.path", out.toString())
                .set("model.weights", "none").set("model.input-height", input).set("model.input-width", input);
    }

    private static JobConfigLoader manifestJob(String input, Path manifest, Path out) throws IOException {
        return job(input, manifest, fresh(out)).setList("input.paths", List.of()).set("input.mode", "manifest")
                .set("input.manifest.source", manifest.toString()).set("input.manifest.path-column", "url");
    }

    private static Path manifest(SparkSession spark, Path dir, List<String> urls) throws IOException {
        fresh(dir);
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("url", DataTypes.StringType);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            rows.add(RowFactory.create(i, urls.get(i)));
        }
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.toString());
        return dir;
    }

    private static double rate(RunSummary summary, int images, String what) {
        long rows = summary.scored() + summary.failed();
        if (rows != images) {
            throw new IllegalStateException(what + " scored " + rows + " of " + images + " files:\n" + summary.table());
        }
        double rate = rows / summary.durationSeconds();
        System.out.printf("%-36s %d images in %.1f s: %.2f images/s%n", what, rows, summary.durationSeconds(), rate);
        return rate;
    }

    private static double timed(SparkSession spark, JobConfigLoader job, long expected) {
        long start = System.nanoTime();
        RunSummary summary = ScoringJob.run(spark, job.load(), QUIET);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (summary.scored() + summary.failed() != expected) {
            throw new IllegalStateException("expected " + expected + " rows:\n" + summary.table());
        }
        return seconds;
    }

    private static Path emptyFiles(Path dir, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path folder = dir.resolve(String.format("d%04d", i / 1000));
            if (i % 1000 == 0) {
                Files.createDirectories(folder);
            }
            Path file = folder.resolve(String.format("f%07d.jpg", i));
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        }
        return dir;
    }

    private static void copyFirst(Path from, Path to, int n) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.sorted().limit(n).toList()) {
                if (!Files.exists(to.resolve(f.getFileName()))) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dir;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
