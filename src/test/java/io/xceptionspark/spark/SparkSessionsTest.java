package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static JobConfig job(String master) {
        return TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", master).load();
    }
}
