package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.testing.TestJobs;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * The session's settings. Spark 4's SparkContext makes the S3A cloud committers (spark-hadoop-cloud) the default of
 * every write whenever their classes load on the driver, as they do on the launcher's class path; executors of a
 * cluster without them then fail every task (the cluster test's sample job did: ClassNotFoundException of
 * PathOutputCommitProtocol behind a SerializedLambda error). The job keeps Spark's own committers by default and
 * switches only s3a:// writes (ObjectStores.withStoreCommitter, tested in S3StoreTest).
 */
class SparkSessionsTest {
    private static final String PROTOCOL = "spark.sql.sources.commitProtocolClass";
    private static final String PARQUET_COMMITTER = "spark.sql.parquet.output.committer.class";

    @Test
    void sparksOwnCommittersStayTheDefaultWithTheCloudCommittersOnTheClassPath() throws Exception {
        Class.forName("org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"); // on this class path too
        SparkConf conf = SparkSessions.sparkConf(job("spark://10.0.0.1:7077"), null);
        // what SparkContext does to the conf it starts with (private to Spark; public in the bytecode)
        org.apache.spark.SparkContext$.MODULE$.org$apache$spark$SparkContext$$enableMagicCommitterIfNeeded(conf);
        assertEquals("org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol", conf.get(PROTOCOL));
        assertEquals("org.apache.parquet.hadoop.ParquetOutputCommitter", conf.get(PARQUET_COMMITTER));

        SparkConf without = new SparkConf(false);
        org.apache.spark.SparkContext$.MODULE$.org$apache$spark$SparkContext$$enableMagicCommitterIfNeeded(without);
        assertEquals("org.apache.spark.internal.io.cloud.PathOutputCommitProtocol", without.get(PROTOCOL),
                "without the job's defaults Spark would pick the cloud committer for every write");
    }

    @Test
    void aUsersCommitterWins() {
        JobConfig job = TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", "local[2]")
                .set("spark.conf." + PROTOCOL, "com.example.Protocol").load();
        assertEquals("com.example.Protocol", SparkSessions.sparkConf(job, null).get(PROTOCOL));
    }

    @Test
    void localMastersWriteLocalFilesWithoutChmodProcessesClustersKeepHadoopsFileSystem() {
        for (String master : List.of("local", "local[2]", "local[*]")) {
            SparkConf conf = SparkSessions.sparkConf(job(master), null);
            assertEquals(PosixLocalFileSystem.class.getName(), conf.get("spark.hadoop.fs.file.impl"), master);
            assertEquals("true", conf.get("spark.hadoop.fs.file.impl.disable.cache"), master);
        }
        for (String master : List.of("spark://10.0.0.1:7077", "local-cluster[2,1,1024]", "yarn")) {
            assertFalse(SparkSessions.sparkConf(job(master), null).contains("spark.hadoop.fs.file.impl"), master);
        }
    }

    @Test
    void theOptimizingCompilerScopeTravelsToTheExecutors() {
        assertEquals("per-image", SparkSessions.sparkConf(job("spark://10.0.0.1:7077"), null)
                .get(io.xceptionspark.inference.CompilerScope.SPARK_CONF));
        JobConfig all = TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", "local[2]")
                .set("scoring.optimizing-compiler", "all").load();
        assertEquals("all", SparkSessions.sparkConf(all, null).get(io.xceptionspark.inference.CompilerScope.SPARK_CONF));
    }

    @Test
    void sessionArtifactIsolationIsOffUnlessTheUserTurnsItOn() {
        for (String master : List.of("local[2]", "spark://10.0.0.1:7077")) {
            assertEquals("false", SparkSessions.sparkConf(job(master), null).get(SparkSessions.ARTIFACT_ISOLATION), master);
        }
        JobConfig isolated = TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", "local[2]")
                .set("spark.conf." + SparkSessions.ARTIFACT_ISOLATION, "true").load();
        assertEquals("true", SparkSessions.sparkConf(isolated, null).get(SparkSessions.ARTIFACT_ISOLATION));
    }

    private static JobConfig job(String master) {
        return TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", master).load();
    }
}
