package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer: 2048-d Xception embeddings for image file bytes (Xception without its classifier,
 * global average or max pooling). Adds status, error_code, error_message and embedding.
 * <pre>
 * Dataset&lt;Row&gt; images = spark.read().format("binaryFile").load("/data/photos");
 * Dataset&lt;Row&gt; vectors = new XceptionEmbedder().setNormalize(true).transform(images);
 * </pre>
 */
public final class XceptionEmbedder extends XceptionTransformer {
    private static final long serialVersionUID = 1L;

    private final BooleanParam normalize;
    private final Param<String> pooling;

    public XceptionEmbedder() {
        this(Identifiable.randomUID("xceptionEmbedder"));
    }

    public XceptionEmbedder(String uid) {
        super(uid);
        normalize = new BooleanParam(this, "normalize", "scale every embedding to unit L2 norm");
        pooling = new Param<>(this, "pooling", "global pooling of the last feature map: avg or max",
                ParamValidators.inArray(java.util.List.of("avg", "max")));
        setDefault(normalize, false);
        setDefault(pooling, "avg");
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public XceptionEmbedder setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    public XceptionEmbedder setPooling(String value) {
        set(pooling, value);
        return this;
    }

    @Override
    protected String embeddingPooling() {
        return getOrDefault(pooling);
    }

    @Override
    protected ScoringOptions scoringOptions() {
        return new ScoringOptions(ScoringMode.EMBEDDINGS, 1, (Boolean) getOrDefault(normalize), false,
                intParam(batchSize()), intParam(intraOpThreads()));
    }

    @Override
    protected boolean includeTop() {
        return false;
    }

    @Override
    public XceptionEmbedder copy(ParamMap extra) {
        return (XceptionEmbedder) defaultCopy(extra);
    }

    public static MLReader<XceptionEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static XceptionEmbedder load(String path) {
        return read().load(path);
    }
}
