package io.xceptionspark.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.OutputLock;
import io.xceptionspark.testing.S3Store;
import io.xceptionspark.testing.StoreExtension;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.TestStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StoreChecks} on S3 (S3Proxy on 127.0.0.1, its filesystem store, hadoop-aws's S3A), and what only S3
 * has: a Parquet output is refused unless allowed (no atomic rename), and a bad bucket, credentials, endpoint
 * or missing connector end in seconds with exit 2 and one message naming the fix, nothing written.
 */
class S3StoreTest extends StoreChecks {
    @RegisterExtension
    static final StoreExtension<S3Store> S3 = StoreExtension.s3("photos");

    @Override
    TestStore store() {
        return S3.get();
    }

    @Test
    void parquetOnS3IsRefusedUnlessAllowedPointingToDelta() throws Exception {
        S3Store s3 = S3.get();
        String d = dir("refused");
        s3.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.sample("dog.jpg").toUri()),
                new org.apache.hadoop.fs.Path(s3.uri(d + "dog.jpg")));
        CliRun run = cli(concat(List.of("score", "--input", s3.uri(d), "--output", s3.uri(d + "out")), MODEL));
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("output.format = delta") && run.err().contains("output.allow-non-atomic-publish"),
                run.toString());
        assertFalse(s3.fs().exists(new org.apache.hadoop.fs.Path(s3.uri(d + "out"))), "nothing written");
        assertTrue(run.out().contains("--packages org.apache.hadoop:hadoop-aws:3.5.0,"), "the spark-submit line has"
                + " the connector: " + run.out());
    }

    @Test
    void badBucketCredentialsEndpointOrConnectorEndInSecondsWithExitTwo() throws Exception {
        S3Store s3 = S3.get();
        String d = dir("bad");
        s3.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.sample("dog.jpg").toUri()),
                new org.apache.hadoop.fs.Path(s3.uri(d + "in/dog.jpg")));
        String output = s3.uri(d + "out");
        String bucket = "fs.s3a.bucket." + s3.bucket() + ".";
        expectExit2("access denied", "secret.key", List.of("--input", s3.uri(d + "in"), "--output", output,
                "--set", "spark.conf.spark.hadoop." + bucket + "secret.key=wrong"));
        expectExit2("access denied", "secret.key", List.of("--input", TestData.sample("dog.jpg").toString(),
                "--output", output, "--set", "spark.conf.spark.hadoop." + bucket + "secret.key=wrong"));
        // a bucket the server lacks, reached with the same endpoint and credentials
        List<String> missingBucket = new ArrayList<>(List.of("--input", "s3a://no-such-bucket/photos", "--output", output));
        s3.hadoopSettings().forEach((k, v) -> missingBucket.addAll(List.of("--set",
                "spark.conf.spark.hadoop." + k.replace("." + s3.bucket() + ".", ".no-such-bucket.") + "=" + v)));
        expectExit2("bucket does not exist", "bucket", missingBucket);
        expectExit2("cannot be reached", "fs.s3a.endpoint", List.of("--input", s3.uri(d + "in"), "--output", output,
                "--set", "spark.conf.spark.hadoop." + bucket + "endpoint=http://127.0.0.1:1"));
        expectExit2("connector for gs:// is not on the class path", "--packages", List.of("--input", "gs://photos/in",
                "--output", output));
        expectExit2("connector for s3a:// is not on the class path", "hadoop-aws", List.of("--input",
                TestData.sample("dog.jpg").toString(), "--output", "s3a://never-opened/out",
                "--set", "spark.conf.spark.hadoop.fs.s3a.impl=org.example.AbsentS3AFileSystem"));
        assertFalse(s3.fs().exists(new org.apache.hadoop.fs.Path(output)), "nothing written");
    }

    /**
     * The output lock on S3 is a conditional PUT (If-None-Match: *): of two runs taking the lock of an output at
     * the same instant exactly one gets it (a plain create checks, then uploads at close: both could), for each
     * of 24 outputs; the lock is released for the next run.
     */
    @Test
    void twoRunsTakingTheLockAtOnceOneWins() throws Exception {
        S3Store s3 = S3.get();
        assertEquals(0, doubleAcquisitions(s3.fs(), 24), "each lock went to exactly one run");
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(s3.uri(dir("lock") + "out"));
        try (OutputLock first = OutputLock.acquire(s3.fs(), out, "run-1")) {
            JobConfigException second = assertThrows(JobConfigException.class,
                    () -> OutputLock.acquire(s3.fs(), out, "run-2"));
            assertTrue(second.getMessage().contains("run run-1"), second.getMessage());
        }
        try (OutputLock next = OutputLock.acquire(s3.fs(), out, "run-3")) {
            assertEquals("run-3", next.runId(), "released, then taken by the next run");
        }
    }

    /** Outputs (of {@code outputs}) whose lock two racing runs both took. */
    static int doubleAcquisitions(org.apache.hadoop.fs.FileSystem fs, int outputs) throws Exception {
        S3Store s3 = S3.get();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        int doubles = 0;
        try {
            for (int i = 0; i < outputs; i++) {
                org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(s3.uri(dir("race") + "out"));
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Boolean>> runs = new ArrayList<>();
                for (String run : List.of("a", "b")) {
                    runs.add(pool.submit(() -> {
                        go.await();
                        try {
                            OutputLock.acquire(fs, out, run); // held (not closed) until the end of the test
                            return true;
                        } catch (JobConfigException e) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                int won = 0;
                for (var r : runs) {
                    won += r.get() ? 1 : 0;
                }
                assertTrue(won >= 1, "one run takes the lock");
                doubles += won - 1;
            }
        } finally {
            pool.shutdownNow();
        }
        return doubles;
    }

    private void expectExit2(String message, String fix, List<String> args) {
        List<String> all = new ArrayList<>(List.of("score"));
        all.addAll(args);
        all.addAll(List.of("--set", "output.format=delta", // a fresh client, as a new run has (not this JVM's cached one)
                "--set", "spark.conf.spark.hadoop.fs.s3a.impl.disable.cache=true"));
        all.addAll(List.of(MODEL));
        CliRun run = cli(all.toArray(String[]::new));
        System.out.printf("bad input, %.1f s, exit %d: %s%n", run.seconds(), run.code(), run.err().strip());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains(message) && run.err().contains(fix), run.toString());
        assertEquals(1, run.err().strip().lines().count(), "one message: " + run);
        assertTrue(run.seconds() < 15, "within seconds: " + run);
    }
}
