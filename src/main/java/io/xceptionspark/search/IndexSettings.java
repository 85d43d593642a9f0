package io.xceptionspark.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;

/**
 * The model, preprocessing and scoring settings an output was scored with, as job keys, read from the
 * Parquet footer of one of its data files ({@value #FOOTER_KEY}, written by the job), so that new query
 * images are embedded exactly like the indexed ones.
 */
public final class IndexSettings {
    /** Footer key-value entry holding the run's settings (a HOCON object of job keys). */
    public static final String FOOTER_KEY = "xception_spark.settings";

    private IndexSettings() {}

    /** The model.*, preprocess.* and scoring.* keys recorded in the output; empty when it records none. */
    public static Map<String, String> read(SparkSession spark, String output) {
        String[] files = spark.read().parquet(output).inputFiles();
        if (files.length == 0) {
            return Map.of();
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String recorded;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(files[0]), conf))) {
            recorded = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(FOOTER_KEY);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the Parquet footer of " + files[0], e);
        }
        return recorded == null ? Map.of() : modelKeys(ConfigFactory.parseString(recorded));
    }

    /** The scoring-relevant keys of a settings object (nested or with quoted dotted keys). */
    static Map<String, String> modelKeys(Config settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            String name = key.name();
            if (!(name.startsWith("model.") || name.startsWith("preprocess.") || name.startsWith("scoring."))) {
                continue;
            }
            ConfigValue value = settings.hasPath(name) ? settings.getValue(name) : settings.root().get(name);
            if (value != null) {
                Object unwrapped = value.unwrapped();
                keys.put(name, String.valueOf(unwrapped));
            }
        }
        return keys;
    }
}
