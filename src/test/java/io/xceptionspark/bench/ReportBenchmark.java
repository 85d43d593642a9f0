package io.xceptionspark.bench;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.report.HtmlReport;
import io.xceptionspark.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * How long the HTML report takes for outputs of given sizes: synthetic outputs ({@link SyntheticOutput}: the
 * job's schema, real picture files) are written first, untimed; then the report of each is made and timed, after
 * one untimed warm-up report of the first size (JIT, Spark's code generation). Prints the figures with the machine and writes them as JSON.
 * Usage: {@code ReportBenchmark PICTURE_DIR WORK_DIR OUT.json ROWS...}.
 */
public final class ReportBenchmark {
    private ReportBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path pictures = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path json = Path.of(args[2]);
        List<Path> photos;
        try (Stream<Path> files = Files.list(pictures)) {
            photos = files.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
        SparkSession spark = SparkSessions.create(new JobConfigLoader().load(), null);
        HtmlReport report = HtmlReport.of(new JobConfigLoader().load());
        List<Map<String, Object>> runs = new ArrayList<>();
        System.out.println("machine: " + BenchReport.machine() + ", cpu flags: " + vectorFlags());
        for (int i = 3; i < args.length; i++) {
            int rows = Integer.parseInt(args[i]);
            String output = work.resolve("output-" + rows).toString();
            long start = System.nanoTime();
            SyntheticOutput.write(spark, SyntheticOutput.files(work.resolve("files-" + rows), photos, rows),
                    photos.size(), output);
            double prepare = (System.nanoTime() - start) / 1e9;
            if (i == 3) {
                report.write(spark, output, work.resolve("report-warm-up.html").toString());
            }
            HtmlReport.Written w = report.write(spark, output, work.resolve("report-" + rows + ".html").toString());
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("rows", rows);
            run.put("report_seconds", round(w.seconds()));
            run.put("report_bytes", w.bytes());
            Map<String, Object> steps = new LinkedHashMap<>();
            w.steps().forEach((k, v) -> steps.put(k, round(v)));
            run.put("steps_seconds", steps);
            run.put("synthetic_output_seconds", round(prepare));
            runs.add(run);
            System.out.println(String.format(Locale.ROOT, "%,9d rows: report %.1f s, %,d KiB; steps %s", rows,
                    w.seconds(), w.bytes() / 1024, steps));
        }
        spark.stop();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("what", "HTML report generation time over synthetic outputs (after one warm-up report)");
        figures.put("cpu_flags", vectorFlags());
        figures.put("spark_master", "local[*]");
        figures.put("runs", runs);
        BenchReport.writeJson(json, BenchReport.withMachine(figures));
    }

    /** The CPU's SIMD flags (what the JVM's and libtorch's kernels can use), from /proc/cpuinfo. */
    static String vectorFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return String.join(" ", Stream.of(line.substring(line.indexOf(':') + 1).trim().split(" "))
                            .filter(f -> f.startsWith("avx") || f.equals("fma") || f.equals("sse4_2")).toList());
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return "unknown";
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
