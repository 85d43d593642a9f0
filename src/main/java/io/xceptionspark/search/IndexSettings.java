package io.xceptionspark.search;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.KeyRole;
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

    /**
     * The recorded keys that decide how a query is embedded like the indexed images ({@link KeyRole#INDEX}: the
     * recorded settings but scoring.mode, which is the index's, not the queries'); empty when none are recorded.
     */
    static Map<String, String> read(SparkSession spark, String output) {
        String recorded = OutputMetadata.ofOutput(spark, output).get(OutputMetadata.SETTINGS);
        if (recorded == null) {
            return Map.of();
        }
        Map<String, Object> settings = OutputMetadata.parseSettings(recorded);
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.withRole(KeyRole.INDEX)) {
            Object value = settings.get(key.name());
            if (value != null) {
                keys.put(key.name(), String.valueOf(value));
            }
        }
        return keys;
    }
}
