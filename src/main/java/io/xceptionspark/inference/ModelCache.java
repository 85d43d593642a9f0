package io.xceptionspark.inference;

import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor-wide model cache: one loaded model per {@link ModelSpec} per JVM, shared by all task
 * threads (a model is read-only once loaded; each thread takes its own predictor). The only global
 * mutable state in the project.
 *
 * <p>Callers hold a {@link Lease} while they use a model. A model nobody holds stays loaded, since an
 * executor reuses it for its next task and reloading ~90 MB of weights per partition is what this cache
 * exists to avoid, but only the {@value #IDLE_PROPERTY} (default {@value #DEFAULT_IDLE}) most recently used
 * idle models are kept: a long-lived JVM serving many model settings (a Spark Connect server, SQL functions
 * with changing settings) closes the others instead of growing without bound. A model in use is never closed.
 *
 * <p>Every load is logged at INFO through SLF4J (so on a cluster it lands in the executor's stderr log, via
 * Spark's log4j2): {@code xception-spark: loaded model ... (model load #N in this JVM)}.
 */
public final class ModelCache {
    /** System property: how many idle models a JVM keeps loaded. */
    public static final String IDLE_PROPERTY = "xception-spark.model-cache.idle-models";
    public static final int DEFAULT_IDLE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    /** Access-ordered (least recently used first); guarded by the class lock. */
    private static final Map<ModelSpec, Entry> MODELS = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelCache() {}

    /** A hold on a cached model: the model is not closed until every lease on it is closed. */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public ScoringModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            synchronized (ModelCache.class) {
                if (!closed) {
                    closed = true;
                    entry.leases--;
                    evictIdle();
                }
            }
        }
    }

    private static final class Entry {
        private final ModelSpec spec;
        private volatile ScoringModel model; // set once, under this entry's lock
        private RuntimeException failure;
        private int leases; // guarded by the class lock

        private Entry(ModelSpec spec) {
            this.spec = spec;
        }

        /** Loads the model the first time; later callers (and concurrent ones, who wait) get the same one. */
        private synchronized void load(Configuration hadoop) {
            if (model != null) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            long start = System.nanoTime();
            try {
                model = ModelLoader.load(spec, hadoop);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            int n = LOADS.incrementAndGet();
            // the allocator setting shows whether spark.executorEnv reached this JVM (docs/PERFORMANCE.md)
            String tunables = System.getenv("GLIBC_TUNABLES");
            LOG.info(String.format("xception-spark: loaded model %s in %.1f s (model load #%d in this JVM;"
                            + " GLIBC_TUNABLES=%s)", model.identity(), (System.nanoTime() - start) / 1e9, n,
                    tunables == null ? "unset" : tunables));
            if (spec.precision() == Precision.BFLOAT16) {
                CpuBfloat16 cpu = CpuBfloat16.thisMachine();
                if (cpu.isNative()) {
                    LOG.info("xception-spark: " + cpu.describe());
                } else {
                    LOG.warn("xception-spark: " + cpu.describe());
                }
            }
        }
    }

    /** {@link #acquire(ModelSpec, Configuration)} with Hadoop's default configuration for remote weights. */
    public static Lease acquire(ModelSpec spec) {
        return acquire(spec, null);
    }

    /**
     * A lease on the model for this spec, loading it on first use; concurrent callers wait for the one load
     * (loads of other specs go on meanwhile). Close the lease when done with the model.
     *
     * @param hadoop the Hadoop configuration to read remote weights with (spark.hadoop.* settings,
     *               credentials), used only by the first load; null: Hadoop's defaults
     */
    public static Lease acquire(ModelSpec spec, Configuration hadoop) {
        Entry entry;
        synchronized (ModelCache.class) {
            entry = MODELS.computeIfAbsent(spec, Entry::new);
            entry.leases++;
        }
        try {
            entry.load(hadoop);
        } catch (RuntimeException | Error e) {
            synchronized (ModelCache.class) {
                entry.leases--;
                MODELS.remove(spec, entry); // a later call tries again (e.g. once the weights file is fixed)
            }
            throw e;
        }
        return new Lease(entry);
    }

    /** How many models this JVM has loaded (for tests and the run summary). */
    public static int loadCount() {
        return LOADS.get();
    }

    /** How many models are loaded now (in use or idle). */
    public static synchronized int size() {
        return (int) MODELS.values().stream().filter(e -> e.model != null).count();
    }

    /** Closes and forgets every cached model (tests; a driver that scored in-process). No lease may be open. */
    public static synchronized void clear() {
        MODELS.values().stream().filter(e -> e.model != null).forEach(e -> e.model.close());
        MODELS.clear();
    }

    /** Closes the least recently used idle models beyond the limit (called with the class lock held). */
    private static void evictIdle() {
        int keep = Integer.getInteger(IDLE_PROPERTY, DEFAULT_IDLE);
        List<Entry> idle = new ArrayList<>();
        for (Entry e : MODELS.values()) {
            if (e.leases == 0 && e.model != null) {
                idle.add(e); // least recently used first
            }
        }
        for (int i = 0; i < idle.size() - Math.max(0, keep); i++) {
            Entry e = idle.get(i);
            MODELS.remove(e.spec);
            LOG.info("xception-spark: closed idle model " + e.model.identity() + " (more than " + keep
                    + " idle models in this JVM; " + IDLE_PROPERTY + ")");
            e.model.close();
        }
    }
}
