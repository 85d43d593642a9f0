package io.xceptionspark.config;

import java.io.Serializable;

/**
 * What each forward pass produces and how it runs (keys {@code scoring.*}).
 *
 * @param intraOpThreads libtorch threads per task, or auto for spark.task.cpus
 */
public record ScoringOptions(ScoringMode mode, int topK, boolean normalizeEmbeddings, boolean includeLogits,
                             int batchSize, Auto<Integer> intraOpThreads) implements Serializable {
    private static final long serialVersionUID = 2L;
    /** The batch bound of scoring.batch-size (declared 1..256 in defaults.conf), also for options built in code. */
    public static final int MAX_BATCH_SIZE = 256;

    public ScoringOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be set");
        }
        if (topK < 1 || batchSize < 1 || batchSize > MAX_BATCH_SIZE || intraOpThreads.orElse(1) < 1) {
            throw new IllegalArgumentException("invalid scoring options: top-k " + topK + ", batch-size " + batchSize
                    + ", intra-op-threads " + intraOpThreads);
        }
    }

    /**
     * The top-k rule against the loaded model (a TorchScript model declares its classes only once loaded): the job,
     * the Transformers and the SQL functions fail alike, before any image is scored, when labels would need more
     * classes than the model has; never clamped.
     */
    public void checkTopK(int classes) {
        if (topK > classes) {
            throw new JobConfigException("scoring.top-k = " + topK + " exceeds the model's " + classes
                    + " classes. Lower scoring.top-k.");
        }
    }

    /** Whether the classifier's logits are needed (for labels or the logits column). */
    public boolean needsLogits() {
        return mode.labels() || includeLogits;
    }

    /** The thread count for a task given the cores Spark gave it. */
    public int threadsFor(int taskCpus) {
        return intraOpThreads.orElse(Math.max(1, taskCpus));
    }
}
