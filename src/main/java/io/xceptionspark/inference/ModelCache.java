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
 * The executor-wide model cache: one loaded model per {@link ModelKey} per JVM (what the model computes:
 * architecture, head, input size, precision, folding and the weights' content), shared by all task threads (a
 * model is read-only once loaded; each thread takes its own predictor). The only global mutable state in the
 * project.
 *
 * <p>A spec's weights are located (fetched, checksummed) once per spec and JVM ({@link ModelLoader#locate}),
 * then the model is looked up by its key: specs that differ only in where the weights are found (a cache
 * directory, a path or a URI of the same file, the download policy) share one model.
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
    private static final Map<ModelKey, Entry> MODELS = new LinkedHashMap<>(16, 0.75f, true);
    /** How many specs' located weights a JVM remembers (a spec is a few hundred bytes). */
    private static final int LOCATED_LIMIT = 64;
    /** Each spec's weights as found on this node, least recently used first; guarded by the class lock. */
    private static final Map<ModelSpec, Locating> LOCATED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ModelSpec, Locating> eldest) {
            return size() > LOCATED_LIMIT;
        }
    };
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

    /**
     * A spec's weights, located once (concurrent callers wait for the one fetch and checksum) and forgotten
     * with the model they loaded, so that a model loaded again reads a file checked again.
     */
    private static final class Locating {
        private ModelLoader.LocatedWeights weights; // guarded by this
        private volatile ModelKey key;

        private synchronized ModelLoader.LocatedWeights get(ModelSpec spec, Configuration hadoop) {
            if (weights == null) {
                weights = ModelLoader.locate(spec, hadoop);
                key = ModelKey.of(spec, weights);
            }
            return weights;
        }
    }

    private static final class Entry {
        private final ModelKey key;
        private volatile ScoringModel model; // set once, under this entry's lock
        private RuntimeException failure;
        private int leases; // guarded by the class lock

        private Entry(ModelKey key) {
            this.key = key;
        }

        /** Loads the model the first time; later callers (and concurrent ones, who wait) get the same one. */
        private synchronized void load(ModelSpec spec, ModelLoader.LocatedWeights weights) {
            if (model != null) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            long start = System.nanoTime();
            try {
                model = ModelLoader.load(spec, weights);
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
            if (key.precision() == Precision.BFLOAT16) {
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
     * (loads of other models go on meanwhile). Close the lease when done with the model.
     *
     * @param hadoop the Hadoop configuration to read remote weights with (spark.hadoop.* settings,
     *               credentials), used only when the spec's weights are first located; null: Hadoop's defaults
     */
    public static Lease acquire(ModelSpec spec, Configuration hadoop) {
        Locating locating;
        synchronized (ModelCache.class) {
            locating = LOCATED.computeIfAbsent(spec, s -> new Locating());
        }
        Entry entry = null;
        try {
            ModelLoader.LocatedWeights weights = locating.get(spec, hadoop);
            synchronized (ModelCache.class) {
                entry = MODELS.computeIfAbsent(locating.key, Entry::new);
                entry.leases++;
            }
            entry.load(spec, weights);
            return new Lease(entry);
        } catch (RuntimeException | Error e) {
            synchronized (ModelCache.class) {
                // a later call tries again (e.g. once the weights file is fixed)
                LOCATED.remove(spec, locating);
                if (entry != null) {
                    entry.leases--;
                    MODELS.remove(entry.key, entry);
                }
            }
            throw e;
        }
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
        LOCATED.clear();
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
            MODELS.remove(e.key);
            LOCATED.values().removeIf(located -> e.key.equals(located.key));
            LOG.info("xception-spark: closed idle model " + e.model.identity() + " (more than " + keep
                    + " idle models in this JVM; " + IDLE_PROPERTY + ")");
            e.model.close();
        }
    }
}
