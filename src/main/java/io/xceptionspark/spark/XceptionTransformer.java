package io.xceptionspark.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.config.KeyType;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelSpec;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * Base of the Spark ML Transformers ({@link XceptionScorer}, {@link XceptionLabeler}, {@link XceptionEmbedder}):
 * the batch job's scoring unit over a DataFrame. It reads image file bytes from a binary column (binaryFile's
 * {@code content} by default) and appends the job's status, error and result columns, one output row per
 * input row, through the same executor code as the job ({@link TaskScorers}).
 *
 * <p>Its Params are the job's keys: every key of the key table ({@link ConfigKeys}) with the role
 * {@link KeyRole#PARAM} is a Param named in camelCase ({@code scoring.top-k} is {@code topK}), typed by the key's
 * declared type (bool: BooleanParam, int: IntParam, long: LongParam; a key that also takes auto, a size, a
 * duration or a name: a String Param), with the bundled default, documented by the key's comment, and each value
 * checked against its declaration when set, with the job's messages: a key declared in defaults.conf is a Param
 * here without a second list. One-line typed getters and self-typed setters exist for the keys (a test checks
 * that every Param key has both); {@link #setConf}/{@link #getConf} reach any key by name.
 * {@link #transformSchema} touches only the schema (the output columns follow the scoring.* Params);
 * {@link #transform} validates the whole configuration as the job does, then loads the model on the driver,
 * before any work.
 *
 * @param <T> the concrete transformer, so that setters chain: {@code new XceptionLabeler().setBatchSize(4).setTopK(3)}
 */
public abstract class XceptionTransformer<T extends XceptionTransformer<T>> extends Transformer
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Map<String, Object> fixed;
    private final Map<String, Object> presets;
    private final Map<String, Param<Object>> byKey = new LinkedHashMap<>();
    private final Param<String> inputCol;
    private final Param<String> outputPrefix;
    private final Param<?>[] allParams;

    /**
     * @param fixed keys this transformer decides (not Params), e.g. scoring.mode = labels
     * @param presets keys whose default differs from the bundled one, e.g. model.include-top = false
     */
    protected XceptionTransformer(String uid, Map<String, Object> fixed, Map<String, Object> presets) {
        this.uid = uid;
        this.fixed = Map.copyOf(fixed);
        this.presets = Map.copyOf(presets);
        inputCol = new Param<>(this, "inputCol", "binary column holding image file bytes (binaryFile's content)");
        outputPrefix = new Param<>(this, "outputPrefix", "prefix of the added column names (empty: status, error_code, ...)");
        setDefault(inputCol, "content");
        setDefault(outputPrefix, "");
        List<Param<?>> list = new ArrayList<>(List.of(inputCol, outputPrefix));
        Config defaults = ConfigKeys.defaults().getConfig(ConfigKeys.NAMESPACE);
        for (ConfigKey key : ConfigKeys.withRole(KeyRole.PARAM)) {
            if (this.fixed.containsKey(key.name())) {
                continue;
            }
            Param<Object> p = newParam(key);
            if (list.stream().anyMatch(q -> q.name().equals(p.name()))) {
                throw new IllegalStateException("two configuration keys give the Param name " + p.name());
            }
            setDefault(p, typed(p, this.presets.getOrDefault(key.name(), defaults.getValue(key.name()).unwrapped())));
            byKey.put(key.name(), p);
            list.add(p);
        }
        allParams = list.toArray(Param<?>[]::new);
    }

    /** Whether a key of the key table is a Param of the Transformers. */
    static boolean isParamKey(String key) {
        return ConfigKeys.isKey(key) && ConfigKeys.get(key).has(KeyRole.PARAM);
    }

    /** The Param name of a key: the part after its section, in camelCase ({@code weights-sha256}: weightsSha256). */
    static String paramName(String key) {
        String[] words = key.substring(key.indexOf('.') + 1).split("[-.]");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return b.toString();
    }

    /** The Param of a key, typed by its declared type; a key that also takes a keyword is a String Param. */
    @SuppressWarnings("unchecked")
    private Param<Object> newParam(ConfigKey key) {
        String name = paramName(key.name());
        String doc = key.description() + " (job key " + key.name() + ")";
        KeyValidator valid = new KeyValidator(key.name(), getClass().getSimpleName() + " param " + name);
        KeyType.Kind kind = key.type().keyword() == null ? key.type().kind() : KeyType.Kind.STRING;
        Param<?> p = switch (kind) {
            case BOOL -> new BooleanParam(this, name, doc);
            case INT -> new IntParam(this, name, doc, valid);
            case LONG -> new LongParam(this, name, doc, valid);
            case FRACTION -> new DoubleParam(this, name, doc, valid);
            default -> new Param<String>(this, name, doc, (scala.Function1<String, Object>) (Object) valid);
        };
        return (Param<Object>) p;
    }

    /** A value converted to the Param's type (numbers from strings and other widths; anything to a string). */
    private static Object typed(Param<Object> p, Object value) {
        try {
            if (p instanceof IntParam) {
                return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().strip());
            }
            if (p instanceof LongParam) {
                return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().strip());
            }
            if (p instanceof DoubleParam) {
                return value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString().strip());
            }
        } catch (NumberFormatException e) {
            throw new JobConfigException("Param " + p.name() + " expects a number (got '" + value + "').");
        }
        if (p instanceof BooleanParam) {
            return value instanceof Boolean b ? b : Boolean.parseBoolean(value.toString().strip());
        }
        return String.valueOf(value);
    }

    /** Spark's Param validator for one key: its declared type, range or choices (no other key is read). */
    private static final class KeyValidator extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final String origin;

        KeyValidator(String key, String origin) {
            this.key = key;
            this.origin = origin;
        }

        @Override
        public Object apply(Object value) {
            return JobConfigLoader.problemWith(key, value, origin).isEmpty();
        }
    }

    /** This transformer, typed. */
    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Every Param: inputCol, outputPrefix and one per job key (Spark ML, persistence and Connect use these). */
    @Override
    public Param<?>[] params() {
        return allParams.clone();
    }

    // ---- any key by name ------------------------------------------------------------------------------

    /** The Param of a job key, e.g. {@code param("scoring.top-k")}. */
    public Param<Object> param(String key) {
        Param<Object> p = byKey.get(key);
        if (p == null) {
            String why = fixed.containsKey(key) ? " is fixed to " + fixed.get(key) + " by " + getClass().getSimpleName()
                    : ConfigKeys.isKey(key) ? " is a job or session setting, not a Param"
                    : " is not a configuration key; did you mean '" + ConfigKeys.nearest(key) + "'?";
            throw new JobConfigException(key + why + ". Params: " + String.join(", ", byKey.keySet()));
        }
        return p;
    }

    /**
     * Sets a job key, e.g. {@code setConf("preprocess.crop-pct", 0.9)}: converted to the Param's type and checked
     * against the key's declaration (a {@link JobConfigException} with the job's message). How keys combine is
     * checked by {@link #jobConfig()} (at {@link #transform}).
     */
    public T setConf(String key, Object value) {
        Param<Object> p = param(key);
        Object v = typed(p, value);
        JobConfigLoader.problemWith(key, v, getClass().getSimpleName() + " param " + p.name()).ifPresent(problem -> {
            throw new JobConfigException("Invalid configuration: " + problem);
        });
        set(p, v);
        return self();
    }

    /** The value of a job key (set, preset or bundled default). */
    public Object getConf(String key) {
        return getOrDefault(param(key));
    }

    private String string(String key) {
        return (String) getConf(key);
    }

    private int integer(String key) {
        return (Integer) getConf(key);
    }

    private boolean bool(String key) {
        return (Boolean) getConf(key);
    }

    /**
     * Sets every Param from a job file (jobs/*.conf) over the bundled defaults, after checking the whole job
     * as {@code xception-spark score --job FILE} does. Keys this transformer fixes must agree with the file.
     */
    public T setFromJob(Path jobFile) {
        JobConfigLoader loader = new JobConfigLoader().file(jobFile);
        loader.load();
        Config c = loader.merged().getConfig(ConfigKeys.NAMESPACE);
        for (Map.Entry<String, Object> e : fixed.entrySet()) {
            String value = c.getString(e.getKey());
            if (!value.equalsIgnoreCase(e.getValue().toString())) {
                throw new JobConfigException(jobFile + " sets " + e.getKey() + " = " + value + ", but "
                        + getClass().getSimpleName() + " has " + e.getKey() + " = " + e.getValue()
                        + ". Use XceptionScorer.fromJob(...), which follows the job's " + e.getKey() + ".");
            }
        }
        for (Map.Entry<String, Param<Object>> e : byKey.entrySet()) {
            ConfigValue v = c.getValue(e.getKey());
            if (!v.origin().description().contains(ConfigKeys.DEFAULTS_RESOURCE.substring(
                    ConfigKeys.DEFAULTS_RESOURCE.lastIndexOf('/') + 1))) {
                set(e.getValue(), typed(e.getValue(), v.unwrapped()));
            }
        }
        return self();
    }

    // ---- typed getters and setters of the keys ----------------------------------------------------------

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public String getOutputPrefix() {
        return getOrDefault(outputPrefix);
    }

    /** Prefixes the added columns, e.g. "emb_" gives emb_status, emb_embedding. */
    public T setOutputPrefix(String value) {
        set(outputPrefix, value);
        return self();
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    // One-line typed accessors, one pair per Param key (ScoringUnitTest fails when a Param key lacks one). Each
    // key's meaning is its documentation in defaults.conf, which is also its Param's doc. Keys that also take auto,
    // sizes and durations are String Params, as a job file writes them ("auto", "100MiB", "10s").

    public String getArchitecture() { return string("model.architecture"); }
    public T setArchitecture(String value) { return setConf("model.architecture", value); }
    public String getWeights() { return string("model.weights"); }
    public T setWeights(String value) { return setConf("model.weights", value); }
    public String getWeightsSha256() { return string("model.weights-sha256"); }
    public T setWeightsSha256(String value) { return setConf("model.weights-sha256", value); }
    public String getRemoteWeightsCacheDir() { return string("model.remote-weights-cache-dir"); }
    public T setRemoteWeightsCacheDir(String value) { return setConf("model.remote-weights-cache-dir", value); }
    public String getTorchscript() { return string("model.torchscript"); }
    public T setTorchscript(String value) { return setConf("model.torchscript", value); }
    public String getTorchscriptOutputs() { return string("model.torchscript-outputs"); }
    public T setTorchscriptOutputs(String value) { return setConf("model.torchscript-outputs", value); }
    public boolean getIncludeTop() { return bool("model.include-top"); }
    public T setIncludeTop(boolean value) { return setConf("model.include-top", value); }
    public String getPooling() { return string("model.pooling"); }
    public T setPooling(String value) { return setConf("model.pooling", value); }
    public int getClasses() { return integer("model.classes"); }
    public T setClasses(int value) { return setConf("model.classes", value); }
    public String getInputHeight() { return string("model.input-height"); }
    public T setInputHeight(String value) { return setConf("model.input-height", value); }
    public T setInputHeight(int value) { return setConf("model.input-height", Integer.toString(value)); }
    public String getInputWidth() { return string("model.input-width"); }
    public T setInputWidth(String value) { return setConf("model.input-width", value); }
    public T setInputWidth(int value) { return setConf("model.input-width", Integer.toString(value)); }
    public String getWeightsCacheDir() { return string("model.weights-cache-dir"); }
    public T setWeightsCacheDir(String value) { return setConf("model.weights-cache-dir", value); }
    public boolean getAllowDownload() { return bool("model.allow-download"); }
    public T setAllowDownload(boolean value) { return setConf("model.allow-download", value); }
    public long getSeed() { return (Long) getConf("model.seed"); }
    public T setSeed(long value) { return setConf("model.seed", value); }
    public String getPretrainedConfig() { return string("model.pretrained-config"); }
    public T setPretrainedConfig(String value) { return setConf("model.pretrained-config", value); }
    public boolean getFoldBatchnorm() { return bool("model.fold-batchnorm"); }
    public T setFoldBatchnorm(boolean value) { return setConf("model.fold-batchnorm", value); }
    public String getPrecision() { return string("model.precision"); }
    public T setPrecision(String value) { return setConf("model.precision", value); }
    public String getResize() { return string("preprocess.resize"); }
    public T setResize(String value) { return setConf("preprocess.resize", value); }
    public String getInterpolation() { return string("preprocess.interpolation"); }
    public T setInterpolation(String value) { return setConf("preprocess.interpolation", value); }
    public String getCropPct() { return string("preprocess.crop-pct"); }
    public T setCropPct(String value) { return setConf("preprocess.crop-pct", value); }
    public T setCropPct(double value) { return setConf("preprocess.crop-pct", Double.toString(value)); }
    public String getMean() { return string("preprocess.mean"); }
    public T setMean(String value) { return setConf("preprocess.mean", value); }
    public String getStd() { return string("preprocess.std"); }
    public T setStd(String value) { return setConf("preprocess.std", value); }
    public String getMaxFileBytes() { return string("preprocess.max-file-bytes"); }
    public T setMaxFileBytes(String value) { return setConf("preprocess.max-file-bytes", value); }
    public T setMaxFileBytes(long bytes) { return setConf("preprocess.max-file-bytes", Long.toString(bytes)); }
    public long getMaxPixels() { return (Long) getConf("preprocess.max-pixels"); }
    public T setMaxPixels(long value) { return setConf("preprocess.max-pixels", value); }
    public String getDecodeTimeout() { return string("preprocess.decode-timeout"); }
    public T setDecodeTimeout(String value) { return setConf("preprocess.decode-timeout", value); }
    public String getJpegDraft() { return string("preprocess.jpeg-draft"); }
    public T setJpegDraft(String value) { return setConf("preprocess.jpeg-draft", value); }
    public int getTopK() { return integer("scoring.top-k"); }
    public T setTopK(int value) { return setConf("scoring.top-k", value); }
    public boolean getNormalizeEmbeddings() { return bool("scoring.normalize-embeddings"); }
    public T setNormalizeEmbeddings(boolean value) { return setConf("scoring.normalize-embeddings", value); }
    public boolean getIncludeLogits() { return bool("scoring.include-logits"); }
    public T setIncludeLogits(boolean value) { return setConf("scoring.include-logits", value); }
    public int getBatchSize() { return integer("scoring.batch-size"); }
    public T setBatchSize(int value) { return setConf("scoring.batch-size", value); }
    public String getIntraOpThreads() { return string("scoring.intra-op-threads"); }
    public T setIntraOpThreads(String value) { return setConf("scoring.intra-op-threads", value); }
    public T setIntraOpThreads(int value) { return setConf("scoring.intra-op-threads", Integer.toString(value)); }

    /** Scores with a TorchScript model ({@code .pt}) instead of the built-in Xception. */
    public T setTorchScript(String file, String outputs) {
        return setArchitecture("torchscript").setTorchscript(file).setTorchscriptOutputs(outputs);
    }

    public T setInputSize(int height, int width) {
        return setInputHeight(height).setInputWidth(width);
    }

    // ---- the job these params describe ----------------------------------------------------------------

    /**
     * The job configuration these Params describe (bundled defaults &lt;- presets and fixed keys &lt;- set Params),
     * validated by {@link JobConfigLoader}: a {@link JobConfigException} with the job's message otherwise.
     */
    public JobConfig jobConfig() {
        return loader().load();
    }

    /** The bundled defaults &lt;- presets and fixed keys &lt;- set Params. */
    private JobConfigLoader loader() {
        JobConfigLoader loader = new JobConfigLoader();
        fixed.forEach((key, value) -> loader.value(key, value, getClass().getSimpleName()));
        for (Map.Entry<String, Param<Object>> e : byKey.entrySet()) {
            Param<Object> p = e.getValue();
            if (isSet(p) || presets.containsKey(e.getKey())) {
                loader.value(e.getKey(), getOrDefault(p), getClass().getSimpleName() + " param " + p.name());
            }
        }
        return loader;
    }

    /** The model these params describe. */
    public ModelSpec modelSpec() {
        return jobConfig().model();
    }

    // ---- Transformer ----------------------------------------------------------------------------------

    /**
     * Checks the input column (present, binary) and that the output columns are free; adds them. Only the schema
     * and the scoring.* Params are read (no model, no file): {@link #transform} checks the whole configuration.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, loader().scoring());
    }

    private StructType outputSchema(StructType schema, ScoringOptions scoring) {
        String in = getInputCol();
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(in)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + in + "' is missing;"
                    + " columns are " + names + ". Read the images with"
                    + " spark.read().format(\"binaryFile\") (column content) or setInputCol(...).");
        }
        if (!schema.apply(in).dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + in + "' must be binary"
                    + " (image file bytes) but is " + schema.apply(in).dataType().simpleString() + ".");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        for (StructField f : new ResultColumns(scoring, getOutputPrefix()).fields()) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": output column '" + f.name()
                        + "' already exists; drop or rename it first.");
            }
            fields.add(f);
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        JobConfig job = jobConfig();
        StructType out = outputSchema(dataset.schema(), job.scoring());
        // on the driver first, with the job's checks: a bad model fails here, before any task runs
        ModelPreflight.load(job, dataset.sparkSession().sparkContext().hadoopConfiguration(),
                new PrintStream(java.io.OutputStream.nullOutputStream())).close();
        TransformerRows scorer = new TransformerRows(job.model(), job.preprocess(), job.scoring(),
                new ResultColumns(job.scoring(), getOutputPrefix()),
                dataset.schema().fieldIndex(getInputCol()), dataset.schema().size());
        return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
    }
}
