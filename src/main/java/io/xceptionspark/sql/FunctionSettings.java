package io.xceptionspark.sql;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.config.ScoringOptions;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * The model, preprocessing and scoring settings the SQL functions use: the job's configuration keys, read
 * from the session's SQL conf under {@value #PREFIX} (e.g. {@code SET spark.xception-spark.model.weights =
 * /models/xception.h5}) over the bundled defaults, validated like a job. {@code xception-spark sql} sets
 * them from the job file and flags it was given.
 */
public final class FunctionSettings {
    /** SQL conf prefix of the job's keys. */
    public static final String PREFIX = "spark." + ConfigKeys.NAMESPACE + ".";

    private FunctionSettings() {}

    /** The job keys set in this session (without the prefix), sorted. */
    public static Map<String, String> of(SparkSession spark) {
        return of(scala.jdk.javaapi.CollectionConverters.asJava(spark.conf().getAll()));
    }

    /**
     * The job keys among these session settings: {@value #PREFIX}NAME where NAME lies in a section of the key
     * table (other settings under the prefix, such as the warm-up plugin's {@code preload.job}, are not keys).
     */
    static Map<String, String> of(Map<String, String> sessionConf) {
        Map<String, String> keys = new TreeMap<>();
        sessionConf.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && ConfigKeys.inSection(name.substring(PREFIX.length()))) {
                keys.put(name.substring(PREFIX.length()), value);
            }
        });
        return keys;
    }

    /**
     * The validated settings for these keys: the keys of the {@link KeyRole#SQL} role; unknown keys, other keys
     * and bad values fail with the job's messages.
     */
    public static JobConfig load(Map<String, String> keys) {
        JobConfigLoader loader = new JobConfigLoader();
        keys.forEach(loader::set);
        for (String key : keys.keySet()) {
            ConfigKey declared = ConfigKeys.get(key); // null for a map's entry, e.g. spark.conf.x
            if (declared == null || !declared.has(KeyRole.SQL)) {
                throw new JobConfigException(key + " is not a setting of the SQL functions (they take the model.*,"
                        + " preprocess.* and scoring.* keys): remove " + PREFIX + key + " from the session.");
            }
        }
        return loader.load();
    }

    /**
     * scoring.top-k for xception_labels without k, on a model with {@code classes} classes: more than it has fails
     * the query as it fails a job (never clamped).
     */
    static int topK(ScoringOptions scoring, int classes) {
        try {
            scoring.checkTopK(classes);
        } catch (JobConfigException e) {
            throw new IllegalArgumentException("xception-spark SQL functions: " + e.getMessage() + " (" + PREFIX
                    + "scoring.top-k), or pass k: xception_labels(content, k).", e);
        }
        return scoring.topK();
    }

    /** Makes the session's SQL functions use the given job's settings for these keys. */
    public static void apply(SparkSession spark, Map<String, String> keys) {
        keys.forEach((k, v) -> spark.conf().set(PREFIX + k, v));
    }
}
