package io.xceptionspark.spark;

import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.CompilerScope;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.ResultOptions;
import io.xceptionspark.scoring.Stage;
import io.xceptionspark.scoring.StageTimes;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor side, shared by the job, the ML Transformers and the SQL functions: the scorer for the current Spark
 * task.
 */
public final class TaskScorers {
    private static final Logger LOG = LoggerFactory.getLogger(TaskScorers.class);
    private static final AtomicInteger TASKS = new AtomicInteger();

    private TaskScorers() {}

    /**
     * A batch scorer for this task thread: the executor-wide model from {@link ModelCache} (loaded at most
     * once per JVM), a predictor of its own, libtorch threads = scoring.intra-op-threads or the task's
     * cpus; closed when the task completes (also when it fails). The first call in a JVM applies the session's
     * {@link CompilerScope}.
     *
     * @param results what each result holds
     * @param hadoop the configuration to read remote weights with, if this JVM has to load the model
     * @param account where the task's time by stage goes when it completes (null: nowhere); the task's start
     *                counts from this call
     */
    public static BatchScorer open(ModelSpec model, PreprocessOptions preprocess, ScoringOptions scoring,
                                   ResultOptions results, Configuration hadoop, StageAccount account) {
        long start = System.nanoTime();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            CompilerScope.applyNamed(env.conf().get(CompilerScope.SPARK_CONF, null));
        }
        TaskContext task = TaskContext.get();
        int threads = scoring.threadsFor(task == null ? 1 : task.cpus());
        ModelCache.Lease lease = ModelCache.acquire(model, hadoop);
        long modelLoad = System.nanoTime() - start;
        BatchScorer scorer = BatchScorer.holding(lease,
                preprocess.toPreprocessConfig(model.inputHeight(), model.inputWidth()), results, threads);
        long opened = System.nanoTime();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> {
                scorer.close();
                StageTimes times = scorer.stageTimes();
                times.add(Stage.MODEL_LOAD, modelLoad);
                times.add(Stage.TASK_START, opened - start - modelLoad);
                long took = System.nanoTime() - start;
                // the write stage is the rest of the task's wall time
                times.add(Stage.WRITE, Math.max(0, took - times.total()));
                if (account != null) {
                    account.add(times);
                }
                // per task: shows what the first task of an executor pays (docs/CLUSTER.md, scripts/cluster-test.sh)
                LOG.info(String.format("xception-spark: scoring task %d (stage %d) took %.2f s (scoring task #%d in this"
                        + " JVM): %s", context.partitionId(), context.stageId(), took / 1e9, TASKS.incrementAndGet(),
                        times.describe()));
            });
        }
        return scorer;
    }
}
