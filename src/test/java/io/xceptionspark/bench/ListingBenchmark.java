package io.xceptionspark.bench;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.InputFiles;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.SparkTestSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;

/**
 * A million files (not a test): {@code FOLDERS x PER_FOLDER} zero-byte files are listed on the driver (the job's
 * walk, and Spark's parallel listing of the folders as a glob, under registrationRequired), scored once into a
 * Parquet output (every row EMPTY: no image is decoded, so the run costs listing, tasks and writing), then the
 * same incremental run is repeated, finding nothing to do, and timed. Heap: sampled every 50 ms (peak used,
 * garbage included), and the live set after full collections before and after the listing (what holding the
 * listing costs per file). Usage: {@code ListingBenchmark WORK_DIR FOLDERS PER_FOLDER OUT.json}.
 */
public final class ListingBenchmark {
    private ListingBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int folders = Integer.parseInt(args[1]);
        int perFolder = Integer.parseInt(args[2]);
        Path report = Path.of(args[3]);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("cpu", BenchReport.cpuModel());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        figures.put("folders", folders);
        figures.put("files", (long) folders * perFolder);

        Path in = work.resolve("in");
        long t0 = System.nanoTime();
        makeFiles(in, folders, perFolder);
        figures.put("make_files_s", seconds(t0));

        HeapSampler heap = HeapSampler.start();
        SparkSession spark = SparkTestSession.local2("listing-bench").config("spark.sql.shuffle.partitions", "8")
                .getOrCreate();
        long before = liveHeap();
        t0 = System.nanoTime();
        InputFiles walked = InputFiles.list(spark, new InputOptions(List.of(in.toString()), true, "", "", "", 64, 3));
        figures.put("walk_list_s", seconds(t0));
        figures.put("walk_listed", walked.count());
        figures.put("listing_live_heap_bytes_per_file", (liveHeap() - before) / Math.max(1, walked.count()));
        walked = null;
        if (Boolean.parseBoolean(System.getProperty("bench.spark-listing", "true"))) {
            // Spark's file index keeps what it lists in its file status cache (up to 250 MB by default)
            t0 = System.nanoTime();
            InputFiles parallel = InputFiles.list(spark, new InputOptions(List.of(in + "/*"), false, "", "", "", 64, 3));
            figures.put("spark_parallel_list_s", seconds(t0));
            figures.put("spark_parallel_listed", parallel.count());
        }
        figures.put("peak_heap_listing_mb", heap.peakMb());

        Path out = work.resolve("out");
        JobConfig job = new JobConfigLoader().setList("input.paths", List.of(in.toString()))
                .set("output.path", out.toString()).set("output.incremental", "true").set("output.save-mode", "append")
                .set("model.weights", "none").set("model.input-height", "71").set("model.input-width", "71")
                .set("input.images-per-partition", "10000").load();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        t0 = System.nanoTime();
        RunSummary first = ScoringJob.run(spark, job, quiet);
        figures.put("first_run_s", seconds(t0));
        figures.put("first_run_failed_empty", first.failed());
        long rows = spark.read().parquet(out.toString()).count();
        figures.put("output_rows", rows);

        heap.reset();
        t0 = System.nanoTime();
        RunSummary noop = ScoringJob.run(spark, job, System.out);
        figures.put("noop_rerun_s", seconds(t0));
        figures.put("noop_rerun_listed", noop.listed());
        figures.put("noop_rerun_scored", noop.scored() + noop.failed());
        figures.put("peak_heap_noop_mb", heap.peakMb());
        figures.put("live_heap_after_noop_mb", liveHeap() >> 20);
        figures.put("peak_rss_mb", peakRssKb() >> 10);
        if (Boolean.parseBoolean(System.getProperty("bench.histogram", "false"))) {
            // what the heap still holds after the runs: the largest classes of the live set
            new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start().inputReader().lines().limit(28).forEach(System.out::println);
        }
        heap.close();
        spark.stop();

        StringBuilder json = new StringBuilder("{\n");
        figures.forEach((k, v) -> json.append("  \"").append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : v).append(",\n"));
        json.setLength(json.length() - 2);
        json.append("\n}\n");
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, json);
        System.out.print(json);
    }

    /** Zero-byte files, {@code perFolder} in each of {@code folders} day folders; kept when already there. */
    private static void makeFiles(Path in, int folders, int perFolder) throws IOException {
        Path done = in.resolve("_complete");
        if (Files.exists(done)) {
            return;
        }
        for (int f = 0; f < folders; f++) {
            Path dir = Files.createDirectories(in.resolve(String.format("%s %04d", java.time.LocalDate.of(2020, 1, 1)
                    .plusDays(f), f)));
            for (int i = 0; i < perFolder; i++) {
                Path file = dir.resolve(String.format("IMG_%05d.JPG", i));
                if (Files.notExists(file)) {
                    Files.createFile(file);
                }
            }
        }
        Files.createFile(done);
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }

    /** Heap in use after two full collections: the live set. */
    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The heap in use (all heap pools), sampled every 50 ms; its peak. */
    private static final class HeapSampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private HeapSampler() {
            List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            thread = new Thread(() -> {
                while (running) {
                    long used = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
                    peak.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
        }

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread.start();
            return s;
        }

        void reset() {
            peak.set(0);
        }

        long peakMb() {
            return peak.get() >> 20;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
