package io.xceptionspark.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.StructType;

/**
 * Spark's Parquet writer that also stamps the write options named {@code xception_spark.*} (see
 * {@link OutputMetadata}) into every file's footer key-value metadata. Spark's own writer has no hook for
 * extra footer entries: this format swaps in {@link WriteSupport}, a {@link ParquetWriteSupport} that adds
 * them. The files are plain Parquet, read back with {@code spark.read.parquet}.
 */
public class FooterParquetFormat extends ParquetFileFormat {
    private static final long serialVersionUID = 1L;
    /** The write's configuration entry naming its footer entries (the write options named xception_spark.*). */
    static final String FOOTER_KEYS = "xception-spark.footer.keys";

    @Override
    public OutputWriterFactory prepareWrite(SparkSession sparkSession, Job job,
                                            scala.collection.immutable.Map<String, String> options,
                                            StructType dataSchema) {
        OutputWriterFactory factory = super.prepareWrite(sparkSession, job, options, dataSchema);
        Configuration conf = job.getConfiguration();
        List<String> keys = new ArrayList<>();
        scala.jdk.javaapi.CollectionConverters.asJava(options).forEach((k, v) -> {
            if (k.startsWith(OutputMetadata.PREFIX)) {
                conf.set(k, v);
                keys.add(k);
            }
        });
        conf.setStrings(FOOTER_KEYS, keys.toArray(String[]::new));
        conf.set(ParquetOutputFormat.WRITE_SUPPORT_CLASS, FooterWriteSupport.class.getName());
        return factory;
    }

    /**
     * Spark's write support plus the write options named xception_spark.* (listed in {@link #FOOTER_KEYS}) as footer
     * metadata.
     */
    public static class FooterWriteSupport extends ParquetWriteSupport {
        @Override
        public WriteSupport.WriteContext init(Configuration configuration) {
            WriteSupport.WriteContext spark = super.init(configuration);
            Map<String, String> metadata = new HashMap<>(spark.getExtraMetaData());
            // by name: iterating the Configuration would copy its ~1,100 properties in every task
            for (String key : configuration.getTrimmedStrings(FOOTER_KEYS)) {
                String value = configuration.get(key);
                if (value != null) {
                    metadata.put(key, value);
                }
            }
            return new WriteSupport.WriteContext(spark.getSchema(), metadata);
        }
    }
}
