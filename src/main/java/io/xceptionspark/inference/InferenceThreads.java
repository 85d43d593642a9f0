package io.xceptionspark.inference;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Per-thread libtorch settings. Grad mode and the OpenMP thread count are properties of the calling
 * thread in libtorch, and Spark task threads are pooled and reused, so every thread that runs inference
 * sets them explicitly instead of trusting OMP_NUM_THREADS (which Spark derives from spark.task.cpus).
 */
public final class InferenceThreads {
    private InferenceThreads() {}

    /** Turns autograd off and fixes the intra-op thread count for the current thread. */
    public static void prepareCurrentThread(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1 (got " + intraOpThreads + ")");
        }
        Engine.getEngine("PyTorch"); // loads libtorch on first use; the JNI calls below need it
        JniUtils.setGradMode(false);
        if (JniUtils.getNumThreads() != intraOpThreads) {
            JniUtils.setNumThreads(intraOpThreads);
        }
    }
}
