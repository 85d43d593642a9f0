package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session a job runs in. Precedence: the job's spark.conf map &gt; settings already given
 * to the JVM (spark-submit's --conf, --master, --properties-file) &gt; the spark-defaults file the launcher
 * passes (conf/spark-defaults.conf) &gt; the job's spark.master and spark.app-name. The Kryo serializer
 * with the project's registrator is the default, and Delta Lake's extension and catalog when
 * output.format = delta.
 */
public final class SparkSessions {
    public static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

    private SparkSessions() {}

    public static SparkConf sparkConf(JobConfig job, Path sparkDefaults) {
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
            DeltaOutput.SESSION_CONF.forEach(conf::setIfMissing);
        }
        job.spark().conf().forEach(conf::set);
        conf.setIfMissing("spark.serializer", KRYO_SERIALIZER);
        conf.setIfMissing("spark.kryo.registrator", XceptionKryoRegistrator.class.getName());
        return conf;
    }

    /** The session for a job (an existing active session is reused as it is). */
    public static SparkSession create(JobConfig job, Path sparkDefaults) {
        return SparkSession.builder().config(sparkConf(job, sparkDefaults)).getOrCreate();
    }
}
