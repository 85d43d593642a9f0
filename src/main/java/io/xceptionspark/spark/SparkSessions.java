package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.Preload;
import io.xceptionspark.inference.CompilerScope;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session a job runs in. Precedence: the job's spark.conf map &gt; settings already given
 * to the JVM (spark-submit's --conf, --master, --properties-file) &gt; the spark-defaults file the launcher
 * passes (conf/spark-defaults.conf) &gt; the job's spark.master and spark.app-name. The Kryo serializer
 * with the project's registrator is the default, and Delta Lake's extension and catalog when
 * output.format = delta. With {@code scoring.preload} on (by default for cluster masters) the
 * {@link WarmExecutorPlugin} warms every executor up before it takes tasks.
 */
public final class SparkSessions {
    public static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";
    /**
     * Spark 4's session artifact isolation, off unless the user turns it on: with it, the tasks of each session load
     * classes through a loader that asks the driver's artifact server (one RPC each) for every class its parent
     * lacks, and Janino's look-ups of names while the first tasks compile generated code miss ~50 times per run.
     * The job adds no artifacts to its session (a cluster's spark.jars belong to the SparkContext). Measured on 2
     * cores, bfloat16, 96 phone-size photos (alternating runs): +2.7-3.6 % images/s exact (12 of 13 pairs faster),
     * +3.4 % with jpeg-draft = auto (4 of 4); 288 web-size images equal (n = 4). docs/PERFORMANCE.md.
     */
    static final String ARTIFACT_ISOLATION = "spark.sql.artifact.isolation.enabled";
    /**
     * file: paths through {@link PosixLocalFileSystem} (no chmod process per file written), with local masters only
     * (a cluster's outputs are on HDFS or object stores, which set no local permissions). Outside Hadoop's
     * file-system cache: the cache keeps the first instance per scheme in a JVM, which Spark or Hadoop may have made
     * for file: before the session's settings existed; a local file system costs nothing to make.
     */
    static final Map<String, String> LOCAL_FILE_SYSTEM = Map.of(
            "spark.hadoop.fs.file.impl", PosixLocalFileSystem.class.getName(),
            "spark.hadoop.fs.file.impl.disable.cache", "true");
    /** Spark's and Parquet's own commit protocol and output committer (their defaults). */
    static final Map<String, String> DEFAULT_COMMITTERS = Map.of(
            "spark.sql.sources.commitProtocolClass",
            "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol",
            "spark.sql.parquet.output.committer.class", "org.apache.parquet.hadoop.ParquetOutputCommitter");

    private SparkSessions() {}

    public static SparkConf sparkConf(JobConfig job, Path sparkDefaults) {
        return sparkConf(job, sparkDefaults, Map.of());
    }

    /**
     * @param launcher settings the launcher adds in spark-submit's place (spark.jars: appended to any jars
     *                 already listed)
     */
    public static SparkConf sparkConf(JobConfig job, Path sparkDefaults, Map<String, String> launcher) {
        SparkConf conf = new SparkConf();
        if (sparkDefaults != null) {
            Properties defaults = new Properties();
            try (Reader in = Files.newBufferedReader(sparkDefaults, StandardCharsets.UTF_8)) {
                defaults.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + sparkDefaults + ": " + e.getMessage(), e);
            }
            defaults.stringPropertyNames().forEach(k -> conf.setIfMissing(k, defaults.getProperty(k).strip()));
        }
        conf.setIfMissing("spark.master", job.spark().master());
        conf.setIfMissing("spark.app.name", job.spark().appName());
        if (job.output().delta()) {
            // extensions are a list (conf/spark-defaults.conf names the project's own): add Delta's to it
            DeltaOutput.SESSION_CONF.forEach((key, value) -> {
                String existing = conf.get(key, "").strip();
                if (!key.equals("spark.sql.extensions") || existing.isEmpty()) {
                    conf.setIfMissing(key, value);
                } else if (!java.util.Arrays.asList(existing.split("\\s*,\\s*")).contains(value)) {
                    conf.set(key, existing + "," + value);
                }
            });
        }
        job.spark().conf().forEach(conf::set);
        launcher.forEach((key, value) -> {
            String existing = conf.get(key, "").strip();
            conf.set(key, key.equals("spark.jars") && !existing.isEmpty() ? existing + "," + value : value);
        });
        conf.setIfMissing("spark.serializer", KRYO_SERIALIZER);
        conf.setIfMissing("spark.kryo.registrator", XceptionKryoRegistrator.class.getName());
        // Spark 4's SparkContext makes the S3A cloud committers every write's default when their classes load on the
        // driver (the launcher's class path has them, for s3a://), so a cluster whose executors lack them fails every
        // task with ClassNotFoundException: the defaults stay Spark's own, and ObjectStores.withStoreCommitter
        // switches an s3a:// write to the magic committer
        DEFAULT_COMMITTERS.forEach(conf::setIfMissing);
        conf.setIfMissing(ARTIFACT_ISOLATION, "false");
        if (Preload.runsTasksInThisJvm(conf.get("spark.master"))) { // so on this JVM's class path
            LOCAL_FILE_SYSTEM.forEach(conf::setIfMissing);
        }
        if (job.spark().preload().enabledFor(conf.get("spark.master"))) {
            WarmExecutorPlugin.enable(conf, job);
        }
        // the executors apply it as they warm up or take their first task (TaskScorers)
        conf.set(CompilerScope.SPARK_CONF, job.spark().optimizingCompiler().configName());
        return conf;
    }

    /** The session for a job (an existing active session is reused as it is). */
    public static SparkSession create(JobConfig job, Path sparkDefaults) {
        return create(job, sparkDefaults, Map.of());
    }

    public static SparkSession create(JobConfig job, Path sparkDefaults, Map<String, String> launcher) {
        return SparkSession.builder().config(sparkConf(job, sparkDefaults, launcher)).getOrCreate();
    }

    /** The master a session for this job gets (spark-submit's, the spark-defaults file's, or the job's). */
    public static String master(JobConfig job, Path sparkDefaults) {
        return sparkConf(job, sparkDefaults).get("spark.master");
    }
}
