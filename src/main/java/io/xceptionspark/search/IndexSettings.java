package io.xceptionspark.search;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.spark.OutputMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The model, preprocessing and scoring settings an output was scored with, as job keys, from its metadata
 * ({@link OutputMetadata#SETTINGS}: Parquet footers or Delta table properties), so that new query images are
 * embedded exactly like the indexed ones.
 */
final class IndexSettings {
    private IndexSettings() {}

    /** The recorded model.*, preprocess.* and scoring.* keys; empty when the output records none. */
    static Map<String, String> read(SparkSession spark, String output) {
        String recorded = OutputMetadata.ofOutput(spark, output).get(OutputMetadata.SETTINGS);
        if (recorded == null) {
            return Map.of();
        }
        Map<String, Object> settings = OutputMetadata.parseSettings(recorded);
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            Object value = settings.get(key.name());
            // scoring.mode is the index's, not the queries' (they need embeddings only)
            if (value != null && !key.name().equals("scoring.mode")) {
                keys.put(key.name(), String.valueOf(value));
            }
        }
        return keys;
    }
}
