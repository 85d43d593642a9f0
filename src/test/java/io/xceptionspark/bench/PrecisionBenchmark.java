package io.xceptionspark.bench;

import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bfloat16 against float32 on the same weights, in one run: forward images/s at batch 1 with 1 thread
 * and with concurrent single-thread streams (one per core, as the Spark job runs), then resident memory
 * of the bfloat16 model over many forward passes. The two precisions are measured alternately, twice,
 * so both see the same machine load; the ratios come from each round and their median is reported.
 */
public final class PrecisionBenchmark {
    private static final int ROUNDS = 2;

    private PrecisionBenchmark() {}

    public static Map<String, Object> run(String weights, double secondsPerPoint, int memoryPasses) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        CpuBfloat16 cpu = CpuBfloat16.thisMachine();
        figures.put("bfloat16_native", cpu.isNative());
        figures.put("bfloat16_cpu_flags", cpu.nativeFlags());
        System.out.println("CPU: " + BenchReport.machine().get("cpu") + "; " + cpu.describe());
        int streams = Runtime.getRuntime().availableProcessors();
        ModelSpec spec = ModelSpec.xception(weights);
        try (ScoringModel fp32 = ModelLoader.load(spec.withPrecision(Precision.FLOAT32));
             ScoringModel bf16 = ModelLoader.load(spec.withPrecision(Precision.BFLOAT16))) {
            figures.put("model_float32", fp32.identity().toString());
            figures.put("model_bfloat16", bf16.identity().toString());
            List<Map<String, Object>> rounds = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                Map<String, Object> r = new LinkedHashMap<>();
                double f1 = NetworkBenchmark.forward(fp32, 1, 1, secondsPerPoint).medianRate(1);
                double b1 = NetworkBenchmark.forward(bf16, 1, 1, secondsPerPoint).medianRate(1);
                double fs = NetworkBenchmark.parallelStreamsImagesPerSecond(fp32, streams, 1, secondsPerPoint);
                double bs = NetworkBenchmark.parallelStreamsImagesPerSecond(bf16, streams, 1, secondsPerPoint);
                r.put("round", round);
                r.put("float32_1_thread_images_per_s", NetworkBenchmark.round(f1));
                r.put("bfloat16_1_thread_images_per_s", NetworkBenchmark.round(b1));
                r.put("bfloat16_vs_float32_1_thread", NetworkBenchmark.round(b1 / f1));
                r.put("float32_" + streams + "_streams_images_per_s", NetworkBenchmark.round(fs));
                r.put("bfloat16_" + streams + "_streams_images_per_s", NetworkBenchmark.round(bs));
                r.put("bfloat16_vs_float32_" + streams + "_streams", NetworkBenchmark.round(bs / fs));
                rounds.add(r);
                System.out.printf("round %d: 1 thread batch 1: float32 %.2f, bfloat16 %.2f img/s (%.2fx);"
                        + " %d streams x 1 thread: float32 %.2f, bfloat16 %.2f img/s (%.2fx)%n",
                        round, f1, b1, b1 / f1, streams, fs, bs, bs / fs);
            }
            figures.put("rounds", rounds);
            figures.put("bfloat16_vs_float32_1_thread", median(rounds, "bfloat16_vs_float32_1_thread"));
            figures.put("bfloat16_vs_float32_" + streams + "_streams",
                    median(rounds, "bfloat16_vs_float32_" + streams + "_streams"));
            figures.put("bfloat16_" + streams + "_streams_images_per_s",
                    median(rounds, "bfloat16_" + streams + "_streams_images_per_s"));
            figures.put("float32_" + streams + "_streams_images_per_s",
                    median(rounds, "float32_" + streams + "_streams_images_per_s"));
            if (memoryPasses > 0) {
                List<long[]> rss = NetworkBenchmark.residentMemory(bf16, 1, memoryPasses,
                        Math.max(1, memoryPasses / 20));
                long first = rss.get(0)[1];
                long max = rss.stream().mapToLong(s -> s[1]).max().orElse(first);
                figures.put("bfloat16_rss_kb_by_pass", rss.stream().map(s -> List.of(s[0], s[1])).toList());
                figures.put("bfloat16_rss_growth_after_warmup", NetworkBenchmark.round((double) (max - first) / first));
                System.out.printf("bfloat16 resident memory over %d passes: first sample %d MB, max %d MB (%+.1f%%)%n",
                        memoryPasses, first / 1024, max / 1024, 100.0 * (max - first) / first);
            }
        }
        return figures;
    }

    private static double median(List<Map<String, Object>> rounds, String key) {
        double[] v = rounds.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
        int mid = v.length / 2;
        return NetworkBenchmark.round(v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2);
    }

    /** Usage: PrecisionBenchmark WEIGHTS [seconds-per-point=10] [memory-passes=2000] [out.json]. */
    public static void main(String[] args) throws Exception {
        String weights = args.length > 0 ? args[0] : "none";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Map<String, Object> figures = run(weights, seconds, passes);
        if (args.length > 3) {
            BenchReport.writeJson(java.nio.file.Paths.get(args[3]), BenchReport.withMachine(figures));
        }
    }
}
