package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.image.KernelWarmup;
import io.xceptionspark.image.SyntheticImages;
import io.xceptionspark.inference.CompilerScope;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.ImageFile;
import io.xceptionspark.scoring.ResultOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm executors ({@code scoring.preload}): a Spark plugin ({@code spark.plugins}) whose executor side loads
 * the job's model into the executor-wide {@link ModelCache} and scores one synthetic batch when the executor
 * starts, before it takes tasks, so that no task pays for DJL's start, the model load or the first forward
 * pass. Every executor runs it, including those dynamic allocation adds later. The job travels in the Spark
 * setting {@value #JOB_KEY} (which Spark hands to every executor); the cache key is the job's {@link ModelSpec},
 * so the tasks find exactly this model. A failure is logged and left to the tasks, which load the model
 * themselves and report the error as the job would without the plugin.
 */
public final class WarmExecutorPlugin implements SparkPlugin {
    /** Spark setting holding the encoded {@link Warmup}. */
    public static final String JOB_KEY = "spark.xception-spark.preload.job";
    private static final Logger LOG = LoggerFactory.getLogger(WarmExecutorPlugin.class);

    /** What an executor loads and warms: the job's model, preprocessing and scoring settings. */
    public record Warmup(ModelSpec model, PreprocessOptions preprocess, ScoringOptions scoring) implements Serializable {
        private static final long serialVersionUID = 1L;

        public static Warmup of(JobConfig job) {
            return new Warmup(job.model(), job.preprocess(), job.scoring());
        }

        /** The image kernels' photo-sized warm-up ({@link KernelWarmup}) with this job's preprocessing, once per JVM. */
        public CompletableFuture<Void> beginKernelWarmup() {
            return KernelWarmup.begin(preprocess.toPreprocessConfig(model.inputHeight(), model.inputWidth()));
        }

        String encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Base64.getEncoder().encodeToString(bytes.toByteArray());
        }

        static Warmup decode(String encoded) throws IOException, ClassNotFoundException {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
                return (Warmup) in.readObject();
            }
        }
    }

    /** Turns the plugin on in {@code conf} for this job (keeping any other plugins). */
    public static void enable(SparkConf conf, JobConfig job) {
        String plugins = conf.get("spark.plugins", "").strip();
        String ours = WarmExecutorPlugin.class.getName();
        if (!List.of(plugins.split("\\s*,\\s*")).contains(ours)) {
            conf.set("spark.plugins", plugins.isEmpty() ? ours : plugins + "," + ours);
        }
        conf.set(JOB_KEY, Warmup.of(job).encode());
    }

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                CompilerScope.applyNamed(ctx.conf().get(CompilerScope.SPARK_CONF, null));
                String encoded = ctx.conf().get(JOB_KEY, "");
                if (encoded.isEmpty()) {
                    LOG.warn("xception-spark: " + JOB_KEY + " is not set; this executor does not preload a model");
                    return;
                }
                long start = System.nanoTime();
                try {
                    Warmup job = Warmup.decode(encoded);
                    warm(job, ctx.conf().getInt("spark.task.cpus", 1));
                    LOG.info(String.format("xception-spark: executor %s preloaded and warmed up the model in %.1f s",
                            ctx.executorID(), (System.nanoTime() - start) / 1e9));
                } catch (Exception | LinkageError e) {
                    LOG.warn("xception-spark: preloading the model failed; the tasks will load it themselves: " + e, e);
                }
            }
        };
    }

    /**
     * Loads the model (once per JVM) and scores a synthetic image through the job's own scorer, once as PNG and
     * once as JPEG (the formats of most inputs), so that the first task finds both decoders loaded; meanwhile the
     * image kernels warm up on photo-sized pictures on another thread (unless the JVM began that earlier), and
     * this returns when both are done.
     */
    static void warm(Warmup job, int taskCpus) {
        CompletableFuture<Void> kernels = job.beginKernelWarmup();
        warmModel(job, taskCpus);
        kernels.join();
    }

    private static void warmModel(Warmup job, int taskCpus) {
        ModelSpec spec = job.model();
        BufferedImage gradient = SyntheticImages.gradient(spec.inputHeight() + 32, spec.inputWidth() + 48);
        // the lease ends with the warm-up; the model stays cached (idle) for the tasks
        try (BatchScorer scorer = BatchScorer.holding(ModelCache.acquire(spec, HadoopConfs.ofSparkEnv()), job.preprocess().toPreprocessConfig(spec.inputHeight(),
                spec.inputWidth()), ResultOptions.of(job.scoring()), job.scoring().threadsFor(taskCpus))) {
            for (String format : List.of("png", "jpg")) {
                ImageFile image = ImageFile.of(SyntheticImages.encoded(gradient, format));
                List<ImageFile> batch = new ArrayList<>();
                for (int i = 0; i < job.scoring().batchSize(); i++) {
                    batch.add(image);
                }
                scorer.score(batch);
            }
        }
    }
}
