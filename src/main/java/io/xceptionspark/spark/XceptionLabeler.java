package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer: ImageNet labels for image file bytes. Adds status, error_code, error_message,
 * label, class_index, probability and top_k (see the README's output schema). Usable alone or in a
 * Pipeline; saved and loaded with the standard ML persistence.
 * <pre>
 * Dataset&lt;Row&gt; images = spark.read().format("binaryFile").load("/data/photos");
 * Dataset&lt;Row&gt; labelled = new XceptionLabeler().setTopK(5).transform(images);
 * </pre>
 */
public final class XceptionLabeler extends XceptionTransformer {
    private static final long serialVersionUID = 1L;

    private final IntParam topK;

    public XceptionLabeler() {
        this(Identifiable.randomUID("xceptionLabeler"));
    }

    public XceptionLabeler(String uid) {
        super(uid);
        topK = new IntParam(this, "topK", "classes kept per image, most probable first", ParamValidators.gtEq(1));
        setDefault(topK, io.xceptionspark.config.ConfigKeys.defaults().getInt("xception-spark.scoring.top-k"));
    }

    public IntParam topK() {
        return topK;
    }

    public XceptionLabeler setTopK(int value) {
        set(topK, value);
        return this;
    }

    public int getTopK() {
        return intParam(topK);
    }

    @Override
    protected ScoringOptions scoringOptions() {
        return new ScoringOptions(ScoringMode.LABELS, getTopK(), false, false, intParam(batchSize()),
                intParam(intraOpThreads()));
    }

    @Override
    protected boolean includeTop() {
        return true;
    }

    @Override
    public XceptionLabeler copy(ParamMap extra) {
        return (XceptionLabeler) defaultCopy(extra);
    }

    public static MLReader<XceptionLabeler> read() {
        return new DefaultParamsReader<>();
    }

    public static XceptionLabeler load(String path) {
        return read().load(path);
    }
}
