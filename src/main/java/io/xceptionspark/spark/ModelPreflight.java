package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.model.WeightsMismatchException;
import io.xceptionspark.weights.ImagenetWeights;
import io.xceptionspark.weights.OfficialWeights;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Loads the job's model on the driver before any Spark work, so a missing or wrong weights file fails
 * the run at once with its own message (and in local mode the executors then find it in the cache). Also
 * applies the sample job's fallback to random weights when the ImageNet file is not cached.
 */
public final class ModelPreflight {
    private ModelPreflight() {}

    /**
     * The job (with the model actually used) and its loaded model, held from the cache until closed (a run
     * holds it for its duration; in local mode its tasks share it).
     */
    public record Loaded(JobConfig config, ModelCache.Lease lease) implements AutoCloseable {
        public ScoringModel model() {
            return lease.model();
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /** {@link #load(JobConfig, Configuration, PrintStream)} with the job's own Hadoop settings. */
    public static Loaded load(JobConfig config, PrintStream console) {
        return load(config, JobPreflight.hadoopConf(config), console);
    }

    /**
     * @param hadoop the Hadoop configuration to read remote weights with (the session's, once Spark runs)
     */
    public static Loaded load(JobConfig config, Configuration hadoop, PrintStream console) {
        JobConfig job = resolve(config, console);
        ModelCache.Lease lease;
        try {
            lease = ModelCache.acquire(job.model(), hadoop);
        } catch (WeightsMismatchException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // model options the weights cannot serve (e.g. imagenet with 10 classes): a configuration error
            throw new JobConfigException("Model settings: " + e.getMessage(), e);
        }
        try {
            if (job.scoring().mode().labels()) {
                job.scoring().checkTopK(lease.model().classes());
            }
        } catch (JobConfigException e) {
            lease.close();
            throw e;
        }
        return new Loaded(job, lease);
    }

    /**
     * The job with the model it will actually use, without loading it: the sample job's fallback to random
     * weights (announced on {@code console}) when the ImageNet file is not cached; otherwise {@code config}.
     */
    public static JobConfig resolve(JobConfig config, PrintStream console) {
        Path missing = config.imagenetFallbackRandom() ? missingImagenetFile(config.model()) : null;
        if (missing == null) {
            return config;
        }
        console.println(randomWeightsBanner(missing, config.model()));
        return config.withWeights("none");
    }

    /** The official weights file when weights = imagenet and it is neither cached nor downloadable, else null. */
    static Path missingImagenetFile(ModelSpec spec) {
        if (spec.isTorchScript() || spec.timmVariant() != null
                || !spec.pretrained().weights().toLowerCase(Locale.ROOT).equals("imagenet")
                || spec.fetch().allowDownload()) {
            return null;
        }
        Path dir = spec.fetch().weightsCacheDir().isBlank() ? ImagenetWeights.defaultCacheDir()
                : Path.of(spec.fetch().weightsCacheDir());
        Path file = dir.resolve(official(spec).fileName());
        return Files.exists(file) ? null : file;
    }

    private static OfficialWeights official(ModelSpec spec) {
        return spec.head().includeTop() ? OfficialWeights.XCEPTION : OfficialWeights.XCEPTION_NOTOP;
    }

    private static String randomWeightsBanner(Path missing, ModelSpec spec) {
        OfficialWeights file = official(spec);
        String bar = "*".repeat(100);
        return bar + "\n*  WARNING: the ImageNet weights are not in the cache (" + missing + ").\n"
                + "*  This sample run uses RANDOM weights: the labels and probabilities below are MEANINGLESS.\n"
                + "*  For real labels, download " + file.url() + " (md5 " + file.md5() + ") into " + missing.getParent()
                + ",\n*  or rerun with --set model.allow-download=true on a machine with internet access.\n" + bar;
    }
}
