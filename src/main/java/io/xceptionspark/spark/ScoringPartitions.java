package io.xceptionspark.spark;

import io.xceptionspark.config.InputOptions;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * How many scoring tasks a job's files are cut into: enough for every task slot to get
 * {@code input.tasks-per-core} of them (a small job then keeps every core busy, and a slow task does not leave
 * the others idle at the end), never more than {@code input.images-per-partition} images in one task, and never
 * an empty task.
 */
public final class ScoringPartitions {
    private ScoringPartitions() {}

    /** The partitions for {@code files} files in this Spark context. */
    public static int count(SparkContext sc, long files, InputOptions input) {
        return count(files, input.imagesPerPartition(), input.tasksPerCore(), taskSlots(sc));
    }

    /**
     * At least ceil(files / imagesPerPartition) and tasksPerCore x slots partitions, at most one per file
     * (one partition when there are none).
     */
    static int count(long files, int imagesPerPartition, int tasksPerCore, int slots) {
        long byImages = (files + imagesPerPartition - 1) / imagesPerPartition;
        long bySlots = (long) tasksPerCore * slots;
        return (int) Math.max(1, Math.min(files, Math.max(byImages, bySlots)));
    }

    /**
     * The tasks the job can run at once: Spark's default parallelism (spark.default.parallelism when set, else
     * local[N]'s N or the cores of the executors registered so far), or, with a fixed number of executors that
     * are still starting, spark.executor.instances x spark.executor.cores; divided by spark.task.cpus.
     */
    static int taskSlots(SparkContext sc) {
        SparkConf conf = sc.getConf();
        int cores = sc.defaultParallelism();
        if (!sc.isLocal() && !conf.contains("spark.default.parallelism")
                && !conf.getBoolean("spark.dynamicAllocation.enabled", false) && conf.contains("spark.executor.instances")) {
            cores = Math.max(cores, conf.getInt("spark.executor.instances", 0) * conf.getInt("spark.executor.cores", 1));
        }
        return Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
    }
}
