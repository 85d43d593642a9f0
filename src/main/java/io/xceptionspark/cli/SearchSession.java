package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.SparkSessions;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The Spark session of the commands that read an output (similar, duplicates, sql), stopped when closed. */
final class SearchSession implements AutoCloseable {
    private final SparkSession spark;
    private final boolean own;

    private SearchSession(SparkSession spark, boolean own) {
        this.spark = spark;
        this.own = own;
    }

    /** A session with the site's Spark settings, the job's spark.* keys and these --set overrides. */
    static SearchSession open(JobConfigLoader loader) {
        JobConfig job = loader.load();
        boolean own = SparkSession.getDefaultSession().isEmpty();
        return new SearchSession(SparkSessions.create(job, Launcher.sparkDefaults().orElse(null)), own);
    }

    /** {@link #open(JobConfigLoader)} from the site file and --set assignments only. */
    static SearchSession open(List<String> sets) {
        JobConfigLoader loader = new JobConfigLoader();
        Launcher.siteFile().ifPresent(loader::file);
        sets.forEach(loader::assignment);
        return open(loader);
    }

    SparkSession spark() {
        return spark;
    }

    @Override
    public void close() {
        if (own) {
            spark.stop();
        }
    }
}
