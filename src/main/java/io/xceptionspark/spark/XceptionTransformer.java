package io.xceptionspark.spark;

import com.typesafe.config.Config;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.image.ResizePolicy;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.model.Precision;
import io.xceptionspark.scoring.BatchingIterator;
import io.xceptionspark.scoring.ImageFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Base of the Spark ML Transformers ({@link XceptionLabeler}, {@link XceptionEmbedder}): reads image file
 * bytes from a binary column (binaryFile's {@code content} by default) and appends status, error and result
 * columns, one output row per input row, with the executor-wide model and per-task predictors of the batch
 * job. {@link #transformSchema} checks the input before any work; {@link #transform} loads the model on the
 * driver first, so a bad weights file fails at once.
 */
public abstract class XceptionTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> weights;
    private final Param<String> architecture;
    private final Param<String> torchscript;
    private final Param<String> torchscriptOutputs;
    private final IntParam inputHeight;
    private final IntParam inputWidth;
    private final Param<String> resize;
    private final Param<String> interpolation;
    private final IntParam batchSize;
    private final IntParam intraOpThreads;
    private final LongParam seed;
    private final Param<String> weightsCacheDir;
    private final Param<String> outputPrefix;
    private final Param<String> precision;

    protected XceptionTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "binary column holding image file bytes (binaryFile's content)");
        weights = new Param<>(this, "weights", "imagenet, none (seeded random) or the path of a Keras .h5 weights file");
        architecture = new Param<>(this, "architecture", "xception or torchscript",
                ParamValidators.inArray(java.util.List.of("xception", "torchscript")));
        torchscript = new Param<>(this, "torchscript", "TorchScript .pt file when architecture is torchscript");
        torchscriptOutputs = new Param<>(this, "torchscriptOutputs",
                "what the TorchScript model returns: logits,embedding | logits | embedding");
        inputHeight = new IntParam(this, "inputHeight", "network input height (>= 71 for xception)",
                ParamValidators.gtEq(1));
        inputWidth = new IntParam(this, "inputWidth", "network input width (>= 71 for xception)",
                ParamValidators.gtEq(1));
        resize = new Param<>(this, "resize", "crop or squash",
                ParamValidators.inArray(java.util.List.of("crop", "squash")));
        interpolation = new Param<>(this, "interpolation", "bicubic, bilinear or nearest",
                ParamValidators.inArray(java.util.List.of("bicubic", "bilinear", "nearest")));
        batchSize = new IntParam(this, "batchSize", "images per forward pass (1..256)",
                ParamValidators.inRange(1, ScoringOptions.MAX_BATCH_SIZE));
        intraOpThreads = new IntParam(this, "intraOpThreads", "libtorch threads per task; 0 = spark.task.cpus",
                ParamValidators.inRange(0, 256));
        seed = new LongParam(this, "seed", "seed of the random weights when weights is none");
        weightsCacheDir = new Param<>(this, "weightsCacheDir",
                "directory of the ImageNet weights files; empty: $XCEPTION_SPARK_WEIGHTS_CACHE or ~/.keras/models");
        outputPrefix = new Param<>(this, "outputPrefix", "prefix of the added column names (empty: status, error_code, ...)");
        precision = new Param<>(this, "precision", "float32 (Keras-exact) or bfloat16 (faster on CPUs with avx512_bf16;"
                + " built-in network only)", ParamValidators.inArray(java.util.List.of("float32", "bfloat16")));
        setDefault(inputCol, "content");
        setDefault(outputPrefix, "");
        // the job's defaults (the bundled defaults.conf), so both APIs behave the same out of the box
        Config defaults = ConfigKeys.defaults().getConfig(ConfigKeys.NAMESPACE);
        setDefault(weights, defaults.getString("model.weights"));
        setDefault(architecture, defaults.getString("model.architecture"));
        setDefault(torchscript, defaults.getString("model.torchscript"));
        setDefault(torchscriptOutputs, defaults.getString("model.torchscript-outputs"));
        setDefault(inputHeight, defaults.getInt("model.input-height"));
        setDefault(inputWidth, defaults.getInt("model.input-width"));
        setDefault(resize, defaults.getString("preprocess.resize"));
        setDefault(interpolation, defaults.getString("preprocess.interpolation"));
        setDefault(batchSize, defaults.getInt("scoring.batch-size"));
        setDefault(intraOpThreads, ScoringOptions.AUTO_THREADS);
        setDefault(seed, defaults.getLong("model.seed"));
        setDefault(weightsCacheDir, defaults.getString("model.weights-cache-dir"));
        setDefault(precision, defaults.getString("model.precision"));
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (Spark ML discovers them through these public no-argument methods) ---------------------

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> weights() {
        return weights;
    }

    public Param<String> architecture() {
        return architecture;
    }

    public Param<String> torchscript() {
        return torchscript;
    }

    public Param<String> torchscriptOutputs() {
        return torchscriptOutputs;
    }

    public IntParam inputHeight() {
        return inputHeight;
    }

    public IntParam inputWidth() {
        return inputWidth;
    }

    public Param<String> resize() {
        return resize;
    }

    public Param<String> interpolation() {
        return interpolation;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam intraOpThreads() {
        return intraOpThreads;
    }

    public LongParam seed() {
        return seed;
    }

    public Param<String> weightsCacheDir() {
        return weightsCacheDir;
    }

    public Param<String> precision() {
        return precision;
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    // ---- typed setters --------------------------------------------------------------------------------

    public XceptionTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public XceptionTransformer setWeights(String value) {
        set(weights, value);
        return this;
    }

    /** Scores with a TorchScript model ({@code .pt}) instead of the built-in Xception. */
    public XceptionTransformer setTorchScript(String file, String outputs) {
        set(architecture, "torchscript");
        set(torchscript, file);
        set(torchscriptOutputs, outputs);
        return this;
    }

    public XceptionTransformer setInputSize(int height, int width) {
        set(inputHeight, height);
        set(inputWidth, width);
        return this;
    }

    public XceptionTransformer setResize(String value) {
        set(resize, value);
        return this;
    }

    public XceptionTransformer setInterpolation(String value) {
        set(interpolation, value);
        return this;
    }

    public XceptionTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public XceptionTransformer setIntraOpThreads(int value) {
        set(intraOpThreads, value);
        return this;
    }

    public XceptionTransformer setSeed(long value) {
        set(seed, value);
        return this;
    }

    public XceptionTransformer setWeightsCacheDir(String value) {
        set(weightsCacheDir, value);
        return this;
    }

    /** float32 (the default) or bfloat16 for the built-in network ({@code model.precision}). */
    public XceptionTransformer setPrecision(String value) {
        set(precision, value);
        return this;
    }

    /** Prefixes the added columns, e.g. "emb_" gives emb_status, emb_embedding. */
    public XceptionTransformer setOutputPrefix(String value) {
        set(outputPrefix, value);
        return this;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    // ---- what subclasses decide -----------------------------------------------------------------------

    /** The scoring options this transformer applies (its mode and post-processing). */
    protected abstract ScoringOptions scoringOptions();

    /** Whether the model keeps its classifier. */
    protected abstract boolean includeTop();

    /** Pooling of the embedding when the classifier is off. */
    protected String embeddingPooling() {
        return "avg";
    }

    protected int intParam(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    /** The model these params describe. */
    public ModelSpec modelSpec() {
        return new ModelSpec(getOrDefault(architecture), includeTop(), embeddingPooling(), 1000, "softmax",
                intParam(inputHeight), intParam(inputWidth), getOrDefault(weights), (Long) getOrDefault(seed),
                getOrDefault(torchscript), getOrDefault(torchscriptOutputs), getOrDefault(weightsCacheDir), false, true,
                "", "", Precision.parse(getOrDefault(precision)));
    }

    private ResultColumns resultColumns() {
        return new ResultColumns(scoringOptions(), getOrDefault(outputPrefix));
    }

    PreprocessOptions preprocessOptions() {
        return new PreprocessOptions(ResizePolicy.parse(getOrDefault(resize)),
                Interpolation.parse(getOrDefault(interpolation)), PreprocessConfig.DEFAULT_CROP_PCT,
                PreprocessConfig.DEFAULT_MAX_FILE_BYTES, PreprocessConfig.DEFAULT_MAX_PIXELS);
    }

    // ---- Transformer ----------------------------------------------------------------------------------

    /** Checks the input column (present, binary) and that the output columns are free; adds them. */
    @Override
    public StructType transformSchema(StructType schema) {
        String in = getInputCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + in + "' is missing;"
                    + " columns are " + Arrays.toString(schema.fieldNames()) + ". Read the images with"
                    + " spark.read().format(\"binaryFile\") (column content) or setInputCol(...).");
        }
        if (!schema.apply(in).dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + in + "' must be binary"
                    + " (image file bytes) but is " + schema.apply(in).dataType().simpleString() + ".");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        for (StructField f : resultColumns().fields()) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": output column '" + f.name()
                        + "' already exists; drop or rename it first.");
            }
            fields.add(f);
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ModelSpec spec = modelSpec();
        // on the driver first: a bad model fails here, before any task runs
        ModelCache.acquire(spec, dataset.sparkSession().sparkContext().hadoopConfiguration());
        RowScorer scorer = new RowScorer(spec, preprocessOptions(), resultColumns(), scoringOptions(),
                dataset.schema().fieldIndex(getInputCol()), dataset.schema().size());
        return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
    }

    /** Executor side: input row + result columns. */
    private static final class RowScorer implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ModelSpec model;
        private final PreprocessOptions preprocess;
        private final ResultColumns results;
        private final ScoringOptions scoring;
        private final int inputIndex;
        private final int inputWidth;

        RowScorer(ModelSpec model, PreprocessOptions preprocess, ResultColumns results, ScoringOptions scoring,
                  int inputIndex, int inputWidth) {
            this.model = model;
            this.preprocess = preprocess;
            this.results = results;
            this.scoring = scoring;
            this.inputIndex = inputIndex;
            this.inputWidth = inputWidth;
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Row> rows) {
            return new BatchingIterator<>(rows, TaskScorers.open(model, preprocess, scoring,
                    HadoopConfs.ofSparkEnv()),
                    row -> row.isNullAt(inputIndex) ? ImageFile.failed("EMPTY", "the input column is null")
                            : ImageFile.of((byte[]) row.get(inputIndex)),
                    (row, result) -> {
                        Object[] values = new Object[inputWidth + results.size()];
                        for (int i = 0; i < inputWidth; i++) {
                            values[i] = row.get(i);
                        }
                        results.fill(result, values, inputWidth);
                        return RowFactory.create(values);
                    });
        }
    }
}
