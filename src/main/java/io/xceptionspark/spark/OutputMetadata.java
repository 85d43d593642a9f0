package io.xceptionspark.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What made an output: the one definition of the metadata keys that every Parquet data file's footer
 * (key-value metadata) and a Delta table's properties carry, and their readers. Tools that read an output
 * (similarity search, reports) take the model and preprocessing from here; {@link #SETTINGS} holds the
 * resolved model.*, preprocess.* and scoring.* keys as a JSON object, enough to rebuild the same model
 * and preprocessing.
 */
public final class OutputMetadata {
    public static final String PREFIX = "xception_spark.";
    /** e.g. xception/imagenet:sha256=0a1b2c3d4e5f (the value of the model column). */
    public static final String MODEL_IDENTITY = PREFIX + "model.identity";
    /** Full SHA-256 of the weights (or TorchScript) file; "none" for random weights. */
    public static final String WEIGHTS_SHA256 = PREFIX + "weights.sha256";
    public static final String PREPROCESS_INPUT_SIZE = PREFIX + "preprocess.input_size";
    public static final String PREPROCESS_RESIZE = PREFIX + "preprocess.resize";
    public static final String PREPROCESS_INTERPOLATION = PREFIX + "preprocess.interpolation";
    public static final String PREPROCESS_CROP_PCT = PREFIX + "preprocess.crop_pct";
    public static final String PREPROCESS_NORMALIZATION = PREFIX + "preprocess.normalization";
    /** Width of the embedding column; 0 when the output has none. */
    public static final String EMBEDDING_DIM = PREFIX + "embedding.dim";
    public static final String EMBEDDING_NORMALIZED = PREFIX + "embedding.normalized";
    /** The resolved model.*, preprocess.* and scoring.* keys, as a JSON object. */
    public static final String SETTINGS = PREFIX + "settings";
    /** Footer only: the run that wrote the file (Delta commits name it in their userMetadata instead). */
    public static final String RUN_ID = PREFIX + "run.id";

    /** How pixels become network inputs: e.g. Keras' x / 127.5 - 1 is mean = std = 0.5 of x / 255. */
    public static String normalization(io.xceptionspark.image.Normalization n) {
        return n + " (of x / 255, RGB, channels-first)";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputMetadata() {}

    /** The table-level metadata of a job's output (no run id: it holds for every run with these settings). */
    public static Map<String, String> of(JobConfig job, ScoringModel model) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODEL_IDENTITY, model.identity().toString());
        String sha = model.identity().weightsSha256();
        m.put(WEIGHTS_SHA256, sha.isEmpty() ? "none" : sha);
        PreprocessOptions p = job.preprocess();
        m.put(PREPROCESS_INPUT_SIZE, model.inputHeight() + "x" + model.inputWidth());
        m.put(PREPROCESS_RESIZE, p.resize().configName());
        m.put(PREPROCESS_INTERPOLATION, p.interpolation().configName());
        m.put(PREPROCESS_CROP_PCT, Double.toString(p.cropPct()));
        m.put(PREPROCESS_NORMALIZATION, normalization(p.normalization()));
        ScoringOptions s = job.scoring();
        m.put(EMBEDDING_DIM, Integer.toString(s.mode().embeddings() ? model.embeddingSize() : 0));
        m.put(EMBEDDING_NORMALIZED, Boolean.toString(s.mode().embeddings() && s.normalizeEmbeddings()));
        m.put(SETTINGS, settings(job));
        return m;
    }

    /** The resolved model/preprocess/scoring configuration keys (as in defaults.conf) as a JSON object. */
    static String settings(JobConfig job) {
        Map<String, Object> keys = new TreeMap<>();
        ModelSpec model = job.model();
        keys.put("model.architecture", model.architecture().id());
        keys.put("model.weights", model.pretrained().weights());
        keys.put("model.weights-sha256", model.pretrained().sha256());
        keys.put("model.torchscript", model.pretrained().torchScriptPath());
        keys.put("model.torchscript-outputs", model.pretrained().torchScriptOutputs());
        keys.put("model.include-top", model.head().includeTop());
        keys.put("model.pooling", model.head().pooling().configName());
        keys.put("model.classes", model.head().classes());
        keys.put("model.input-height", model.inputHeight());
        keys.put("model.input-width", model.inputWidth());
        keys.put("model.seed", model.pretrained().seed());
        keys.put("model.fold-batchnorm", model.runtime().foldBatchNorm());
        keys.put("model.precision", model.precision().configName());
        PreprocessOptions p = job.preprocess();
        keys.put("preprocess.resize", p.resize().configName());
        keys.put("preprocess.interpolation", p.interpolation().configName());
        keys.put("preprocess.crop-pct", p.cropPct());
        keys.put("preprocess.mean", join(p.normalization().mean()));
        keys.put("preprocess.std", join(p.normalization().std()));
        keys.put("preprocess.decode-timeout", p.decodeTimeout().toMillis() + "ms");
        keys.put("preprocess.max-file-bytes", p.maxFileBytes());
        keys.put("preprocess.max-pixels", p.maxPixels());
        ScoringOptions s = job.scoring();
        keys.put("scoring.mode", s.mode().configName());
        keys.put("scoring.top-k", s.topK());
        keys.put("scoring.normalize-embeddings", s.normalizeEmbeddings());
        keys.put("scoring.include-logits", s.includeLogits());
        try {
            return JSON.writeValueAsString(keys);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String join(float[] rgb) {
        return rgb[0] + "," + rgb[1] + "," + rgb[2];
    }

    /**
     * The xception_spark.* metadata of the output at {@code path}: a Delta table's properties, or the footer of
     * one of a Parquet dataset's data files (every file of an output carries the same table-level entries);
     * empty for an output written before the metadata existed.
     */
    public static Map<String, String> ofOutput(SparkSession spark, String path) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path dir = new Path(path);
        try {
            if (OutputDirs.hasDeltaLog(dir.getFileSystem(conf), dir)) {
                return ofDeltaTable(spark, path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        String[] files = spark.read().parquet(path).inputFiles();
        return files.length == 0 ? Map.of() : ofParquetFile(new Path(files[0]), conf);
    }

    /** The xception_spark.* entries of one Parquet file's footer. */
    public static Map<String, String> ofParquetFile(Path file, Configuration conf) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return ours(reader.getFooter().getFileMetaData().getKeyValueMetaData());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the footer of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The xception_spark.* properties of the Delta table at {@code path}. */
    public static Map<String, String> ofDeltaTable(SparkSession spark, String path) {
        Row detail = spark.sql("DESCRIBE DETAIL " + DeltaOutput.table(spark, path)).first();
        scala.collection.Map<String, String> props = detail.getMap(detail.fieldIndex("properties"));
        Map<String, String> all = new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(props));
        return ours(all);
    }

    /** The settings JSON as a key-to-value map (values are strings, numbers or booleans). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseSettings(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a settings object: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> ours(Map<String, String> all) {
        Map<String, String> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                m.put(k, v);
            }
        });
        return m;
    }
}
