package io.xceptionspark.inference;

import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor-wide model cache: one loaded model per {@link ModelSpec} per JVM, shared by all task
 * threads (a model is read-only once loaded; each thread takes its own predictor). The only global
 * mutable state in the project. Models live until the JVM ends: executors are long-lived and reloading
 * ~90 MB of weights per partition is exactly what this cache exists to avoid.
 *
 * <p>Every load is logged at INFO through SLF4J (so on a cluster it lands in the executor's stderr log, via
 * Spark's log4j2): {@code xception-spark: loaded model ... (model load #N in this JVM)}.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<ModelSpec, ScoringModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelCache() {}

    /** {@link #acquire(ModelSpec, Configuration)} with Hadoop's default configuration for remote weights. */
    public static ScoringModel acquire(ModelSpec spec) {
        return acquire(spec, null);
    }

    /**
     * The model for this spec, loading it on first use; concurrent callers wait for the one load.
     *
     * @param hadoop the Hadoop configuration to read remote weights with (spark.hadoop.* settings,
     *               credentials), used only by the first load; null: Hadoop's defaults
     */
    public static ScoringModel acquire(ModelSpec spec, Configuration hadoop) {
        return MODELS.computeIfAbsent(spec, s -> {
            long start = System.nanoTime();
            ScoringModel model = ModelLoader.load(s, hadoop);
            int n = LOADS.incrementAndGet();
            // the allocator setting shows whether spark.executorEnv reached this JVM (docs/PERFORMANCE.md)
            String tunables = System.getenv("GLIBC_TUNABLES");
            LOG.info(String.format("xception-spark: loaded model %s in %.1f s (model load #%d in this JVM;"
                            + " GLIBC_TUNABLES=%s)", model.identity(), (System.nanoTime() - start) / 1e9, n,
                    tunables == null ? "unset" : tunables));
            if (s.precision() == Precision.BFLOAT16) {
                CpuBfloat16 cpu = CpuBfloat16.thisMachine();
                if (cpu.isNative()) {
                    LOG.info("xception-spark: " + cpu.describe());
                } else {
                    LOG.warn("xception-spark: " + cpu.describe());
                }
            }
            return model;
        });
    }

    /** How many models this JVM has loaded (for tests and the run summary). */
    public static int loadCount() {
        return LOADS.get();
    }

    /** Closes and forgets every cached model (tests; a driver that scored in-process). */
    public static synchronized void clear() {
        MODELS.values().forEach(ScoringModel::close);
        MODELS.clear();
    }
}
