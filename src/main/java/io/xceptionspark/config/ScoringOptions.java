package io.xceptionspark.config;

import java.io.Serializable;

/**
 * What each forward pass produces and how it runs (keys {@code scoring.*}).
 *
 * @param intraOpThreads libtorch threads per task, or {@link #AUTO_THREADS} for spark.task.cpus
 */
public record ScoringOptions(ScoringMode mode, int topK, boolean normalizeEmbeddings, boolean includeLogits,
                             int batchSize, int intraOpThreads) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int AUTO_THREADS = 0;
    public static final int MAX_BATCH_SIZE = 256;

    public ScoringOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be set");
        }
        if (topK < 1 || batchSize < 1 || batchSize > MAX_BATCH_SIZE || intraOpThreads < 0) {
            throw new IllegalArgumentException("invalid scoring options: top-k " + topK + ", batch-size " + batchSize
                    + ", intra-op-threads " + intraOpThreads);
        }
    }

    /** Whether the classifier's logits are needed (for labels or the logits column). */
    public boolean needsLogits() {
        return mode.labels() || includeLogits;
    }

    /** The thread count for a task given the cores Spark gave it. */
    public int threadsFor(int taskCpus) {
        return intraOpThreads == AUTO_THREADS ? Math.max(1, taskCpus) : intraOpThreads;
    }
}
