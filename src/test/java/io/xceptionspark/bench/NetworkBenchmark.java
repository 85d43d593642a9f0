package io.xceptionspark.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.InferenceThreads;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network's speed on ready tensors, beside libtorch's own float32 matmul speed measured in the same
 * run (the machine's practical ceiling), and resident memory over many forward passes. Not a test:
 * figures are printed and returned for {@link BenchReport}.
 *
 * <p>Both sides of the network-to-matmul fraction are medians of timed calls ({@link Timings}); each
 * forward point also records its best pass and its whole-window mean, and the fraction by that mean.
 * The concurrent-streams figure is a window throughput (images finished by all streams / window).
 */
public final class NetworkBenchmark {
    /** Xception at 299x299: 16.7 GFLOP per image (multiply-add counted as two). */
    public static final double GFLOP_PER_IMAGE = 16.7;
    private static final int MATMUL_N = 2048;
    private static final int MATMUL_WARM_UP = 2;
    private static final int MATMUL_CALLS = 20;

    private NetworkBenchmark() {}

    /** Timings of libtorch float32 matmuls (2048 x 2048) with the given intra-op threads, after warm-up. */
    public static Timings matmul(int threads) {
        InferenceThreads.prepareCurrentThread(threads);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(MATMUL_N, MATMUL_N));
            NDArray b = manager.randomUniform(-1, 1, new Shape(MATMUL_N, MATMUL_N));
            double[] seconds = new double[MATMUL_CALLS];
            long windowStart = 0;
            for (int i = -MATMUL_WARM_UP; i < MATMUL_CALLS; i++) {
                long start = System.nanoTime();
                if (i == 0) {
                    windowStart = start;
                }
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // forces completion
                }
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
            }
            return Timings.of(seconds, (System.nanoTime() - windowStart) / 1e9);
        }
    }

    static double matmulGflopPerCall() {
        return 2.0 * MATMUL_N * MATMUL_N * MATMUL_N / 1e9;
    }

    /**
     * Timings of forward passes through a predictor (as the job uses it) on ready random tensors, back to
     * back for at least {@code minSeconds} (and at least 5 passes), after one warm-up pass.
     */
    public static Timings forward(ScoringModel model, int batch, int threads, double minSeconds)
            throws TranslateException {
        InferenceThreads.prepareCurrentThread(threads);
        ImageBatch input = randomBatch(batch, model.inputHeight(), model.inputWidth());
        try (Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            predictor.predict(input); // warm-up: first-call allocations and kernel selection
            List<Double> seconds = new ArrayList<>();
            long windowStart = System.nanoTime();
            long now = windowStart;
            while ((now - windowStart) / 1e9 < minSeconds || seconds.size() < 5) {
                predictor.predict(input);
                long end = System.nanoTime();
                seconds.add((end - now) / 1e9);
                now = end;
            }
            return Timings.of(seconds.stream().mapToDouble(Double::doubleValue).toArray(), (now - windowStart) / 1e9);
        }
    }

    /**
     * Images/s of {@code streams} threads each running its own single-threaded predictor on the shared
     * model: how the Spark job uses the cores (concurrent tasks x 1 libtorch thread each).
     */
    public static double parallelStreamsImagesPerSecond(ScoringModel model, int streams, int batch, double seconds)
            throws InterruptedException {
        AtomicLong images = new AtomicLong();
        AtomicLong windowEnd = new AtomicLong();
        // The measuring window opens when every stream is warm (the barrier action runs before release).
        CyclicBarrier warm = new CyclicBarrier(streams,
                () -> windowEnd.set(System.nanoTime() + (long) (seconds * 1e9)));
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            threads.add(new Thread(() -> {
                InferenceThreads.prepareCurrentThread(1);
                ImageBatch input = randomBatch(batch, model.inputHeight(), model.inputWidth());
                try (Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
                    predictor.predict(input);
                    warm.await();
                    while (System.nanoTime() < windowEnd.get()) {
                        predictor.predict(input);
                        if (System.nanoTime() <= windowEnd.get()) {
                            images.addAndGet(batch);
                        }
                    }
                } catch (TranslateException | InterruptedException | BrokenBarrierException e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-stream-" + s));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        return images.get() / seconds;
    }

    /** Resident set size (kB) sampled every {@code every} forward passes over {@code passes} passes. */
    public static List<long[]> residentMemory(ScoringModel model, int threads, int passes, int every)
            throws TranslateException {
        InferenceThreads.prepareCurrentThread(threads);
        ImageBatch input = randomBatch(1, model.inputHeight(), model.inputWidth());
        List<long[]> samples = new ArrayList<>();
        try (Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            for (int i = 0; i < 20; i++) {
                predictor.predict(input);
            }
            for (int i = 1; i <= passes; i++) {
                predictor.predict(input);
                if (i % every == 0) {
                    samples.add(new long[] {i, ProcessMemory.residentKb()});
                }
            }
        }
        return samples;
    }

    static ImageBatch randomBatch(int batch, int height, int width) {
        float[] data = new float[batch * 3 * height * width];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return new ImageBatch(data, batch, height, width);
    }

    /**
     * Runs the network benchmark: matmul at 1 and 2 threads, forward at batch 1/8/32 x 1/2 threads,
     * memory over {@code memoryPasses} passes. Returns the figures as an ordered map (for JSON).
     */
    public static Map<String, Object> run(ModelSpec spec, int[] batches, int[] threadCounts, double secondsPerPoint,
                                          int memoryPasses) throws TranslateException, InterruptedException {
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Object> matmul = new LinkedHashMap<>();
        Map<String, Object> matmulBest = new LinkedHashMap<>();
        for (int t : threadCounts) {
            Timings timings = matmul(t);
            double median = timings.medianRate(matmulGflopPerCall());
            matmul.put("threads_" + t, round(median));
            matmulBest.put("threads_" + t, round(timings.bestRate(matmulGflopPerCall())));
            System.out.printf("matmul %dx%d float32, %d thread(s): %.1f GFLOP/s (median of %d calls; best %.1f)%n",
                    MATMUL_N, MATMUL_N, t, median, timings.calls(), timings.bestRate(matmulGflopPerCall()));
        }
        figures.put("matmul_gflops", matmul);
        figures.put("matmul_gflops_best_call", matmulBest);
        try (ScoringModel model = ModelLoader.load(spec)) {
            figures.put("model", model.identity().toString());
            List<Map<String, Object>> points = new ArrayList<>();
            for (int t : threadCounts) {
                double matmulMedian = ((Number) matmul.get("threads_" + t)).doubleValue();
                for (int b : batches) {
                    Timings timings = forward(model, b, t, secondsPerPoint);
                    double ips = timings.medianRate(b);
                    double gflops = ips * GFLOP_PER_IMAGE;
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("threads", t);
                    p.put("batch", b);
                    p.put("passes", timings.calls());
                    p.put("images_per_s", round(ips));
                    p.put("images_per_s_best_pass", round(timings.bestRate(b)));
                    p.put("images_per_s_window", round(timings.windowRate(b)));
                    p.put("gflops", round(gflops));
                    p.put("fraction_of_matmul", round(gflops / matmulMedian));
                    p.put("fraction_of_matmul_window", round(timings.windowRate(b) * GFLOP_PER_IMAGE / matmulMedian));
                    points.add(p);
                    System.out.printf("forward batch %2d, %d thread(s): %.2f img/s (median of %d passes; window %.2f)"
                                    + " = %.1f GFLOP/s = %.0f%% of matmul (window: %.0f%%)%n",
                            b, t, ips, timings.calls(), timings.windowRate(b), gflops,
                            100 * (double) p.get("fraction_of_matmul"), 100 * (double) p.get("fraction_of_matmul_window"));
                }
            }
            figures.put("forward", points);
            int streams = Runtime.getRuntime().availableProcessors();
            for (int b : new int[] {1, 4}) {
                double ips = parallelStreamsImagesPerSecond(model, streams, b, secondsPerPoint);
                figures.put("forward_" + streams + "_streams_x_1_thread_batch_" + b, round(ips));
                Number allCoresMatmul = (Number) matmul.get("threads_" + streams);
                System.out.printf("forward %d concurrent streams x 1 thread, batch %d: %.2f img/s = %.1f GFLOP/s%s%n",
                        streams, b, ips, ips * GFLOP_PER_IMAGE, allCoresMatmul == null ? ""
                                : String.format(" = %.0f%% of the %d-thread matmul", 100 * ips * GFLOP_PER_IMAGE
                                        / allCoresMatmul.doubleValue(), streams));
            }
            if (memoryPasses > 0) {
                int maxThreads = threadCounts[threadCounts.length - 1];
                List<long[]> rss = residentMemory(model, maxThreads, memoryPasses, Math.max(1, memoryPasses / 20));
                figures.put("rss_kb_by_pass", rss.stream().map(s -> List.of(s[0], s[1])).toList());
                long first = rss.get(0)[1];
                long max = rss.stream().mapToLong(s -> s[1]).max().orElse(first);
                long last = rss.get(rss.size() - 1)[1];
                figures.put("rss_growth_after_warmup", round((double) (max - first) / first));
                System.out.printf("resident memory over %d passes: first sample %d MB, max %d MB, last %d MB (%+.1f%%)%n",
                        memoryPasses, first / 1024, max / 1024, last / 1024, 100.0 * (max - first) / first);
            }
        }
        return figures;
    }

    /**
     * Forward images/s and GFLOP/s of every built-in architecture (Keras' xception and timm's aligned
     * xception41/65/71, seeded random weights, BatchNorms folded) at 299x299, batch 1 and 8, on
     * {@code threads} libtorch threads, in float32 and in bfloat16 (with its speed-up over float32): what
     * choosing a bigger Xception costs.
     */
    public static Map<String, Object> variants(int threads, int[] batches, double secondsPerPoint)
            throws TranslateException {
        Map<String, Object> figures = new LinkedHashMap<>();
        List<Map<String, Object>> points = new ArrayList<>();
        for (String arch : List.of("xception", "xception41", "xception65", "xception71")) {
            AlignedXception timm = AlignedXception.byId(arch);
            double gflopPerImage = timm == null ? GFLOP_PER_IMAGE : 2.0 * timm.multiplyAdds(299) / 1e9;
            ModelSpec float32 = timm == null ? ModelSpec.xception("none") : ModelSpec.timm(arch, "none");
            Map<Integer, Double> float32Rate = new LinkedHashMap<>();
            for (Precision precision : Precision.values()) {
                try (ScoringModel model = ModelLoader.load(float32.withPrecision(precision))) {
                    for (int b : batches) {
                        Timings timings = forward(model, b, threads, secondsPerPoint);
                        double ips = timings.medianRate(b);
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("architecture", arch);
                        p.put("precision", precision.configName());
                        p.put("threads", threads);
                        p.put("batch", b);
                        p.put("passes", timings.calls());
                        p.put("gflop_per_image", round(gflopPerImage));
                        p.put("images_per_s", round(ips));
                        p.put("images_per_s_window", round(timings.windowRate(b)));
                        p.put("gflops", round(ips * gflopPerImage));
                        String ratio = "";
                        if (precision == Precision.FLOAT32) {
                            float32Rate.put(b, ips);
                        } else {
                            double speedup = ips / float32Rate.get(b);
                            p.put("speedup_vs_float32", round(speedup));
                            ratio = String.format(" = %.2fx float32", speedup);
                        }
                        points.add(p);
                        System.out.printf("%-10s %-8s batch %d, %d thread(s): %.2f img/s (median of %d passes;"
                                        + " window %.2f) x %.2f GFLOP = %.1f GFLOP/s%s%n", arch,
                                precision.configName(), b, threads, ips, timings.calls(), timings.windowRate(b),
                                gflopPerImage, ips * gflopPerImage, ratio);
                    }
                }
            }
        }
        figures.put("forward_by_architecture", points);
        return figures;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Usage: NetworkBenchmark [weights=none] [seconds-per-point=20] [memory-passes=1000] [out.json], or
     * NetworkBenchmark --variants [seconds-per-point=5] [out.json] for {@link #variants} (1 thread).
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--variants")) {
            double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
            System.out.println("machine: " + BenchReport.machine());
            Map<String, Object> figures = variants(1, new int[] {1, 8}, seconds);
            if (args.length > 2) {
                BenchReport.writeJson(java.nio.file.Paths.get(args[2]), BenchReport.withMachine(figures));
            }
            return;
        }
        String weights = args.length > 0 ? args[0] : "none";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Map<String, Object> figures = run(ModelSpec.xception(weights), new int[] {1, 8, 32}, new int[] {1, 2},
                seconds, passes);
        if (args.length > 3) {
            BenchReport.writeJson(java.nio.file.Paths.get(args[3]), BenchReport.withMachine(figures));
        }
    }
}
