package io.xceptionspark.testing;

import org.apache.hadoop.mapreduce.JobContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;

/**
 * Spark's own commit protocol with two more crash points (see {@link CrashPoints}): when Spark's job commit
 * starts (every task committed, nothing merged into the run's staging directory) and when it has ended.
 * Tests set it with {@code spark.sql.sources.commitProtocolClass}.
 */
public class HaltingCommitProtocol extends SQLHadoopMapReduceCommitProtocol {
    public static final String JOB_COMMIT_STARTED = "spark-job-commit-started";
    public static final String JOB_COMMITTED = "spark-job-committed";

    public HaltingCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
        super(jobId, path, dynamicPartitionOverwrite);
    }

    @Override
    public void commitJob(JobContext jobContext, scala.collection.immutable.Seq<FileCommitProtocol.TaskCommitMessage> taskCommits) {
        CrashPoints.reached(JOB_COMMIT_STARTED);
        super.commitJob(jobContext, taskCommits);
        CrashPoints.reached(JOB_COMMITTED);
    }
}
