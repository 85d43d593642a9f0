package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer for mode "both": labels and embeddings from one forward pass per image (cheaper
 * than an {@link XceptionLabeler} followed by an {@link XceptionEmbedder}). Adds status, error_code,
 * error_message, label, class_index, probability, top_k and embedding.
 */
public final class XceptionScorer extends XceptionTransformer {
    private static final long serialVersionUID = 1L;

    private final IntParam topK;
    private final BooleanParam normalize;

    public XceptionScorer() {
        this(Identifiable.randomUID("xceptionScorer"));
    }

    public XceptionScorer(String uid) {
        super(uid);
        topK = new IntParam(this, "topK", "classes kept per image, most probable first", ParamValidators.gtEq(1));
        normalize = new BooleanParam(this, "normalize", "scale every embedding to unit L2 norm");
        setDefault(topK, io.xceptionspark.config.ConfigKeys.defaults().getInt("xception-spark.scoring.top-k"));
        setDefault(normalize, false);
    }

    public IntParam topK() {
        return topK;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public XceptionScorer setTopK(int value) {
        set(topK, value);
        return this;
    }

    public XceptionScorer setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    @Override
    protected ScoringOptions scoringOptions() {
        return new ScoringOptions(ScoringMode.BOTH, intParam(topK), (Boolean) getOrDefault(normalize), false,
                intParam(batchSize()), intParam(intraOpThreads()));
    }

    @Override
    protected boolean includeTop() {
        return true;
    }

    @Override
    public XceptionScorer copy(ParamMap extra) {
        return (XceptionScorer) defaultCopy(extra);
    }

    public static MLReader<XceptionScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static XceptionScorer load(String path) {
        return read().load(path);
    }
}
