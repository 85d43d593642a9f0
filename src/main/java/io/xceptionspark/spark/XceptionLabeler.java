package io.xceptionspark.spark;

import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer: ImageNet labels for image file bytes, the job with {@code scoring.mode = labels}. Adds
 * status, error_code, error_message, label, class_index, probability and top_k (see the README's output
 * schema); every other job key is a Param ({@link XceptionTransformer}). Usable alone or in a Pipeline;
 * saved and loaded with the standard ML persistence.
 * <pre>
 * Dataset&lt;Row&gt; images = spark.read().format("binaryFile").load("/data/photos");
 * Dataset&lt;Row&gt; labelled = new XceptionLabeler().setBatchSize(4).setTopK(5).transform(images);
 * </pre>
 */
public final class XceptionLabeler extends XceptionTransformer<XceptionLabeler> {
    private static final long serialVersionUID = 1L;

    public XceptionLabeler() {
        this(Identifiable.randomUID("xceptionLabeler"));
    }

    public XceptionLabeler(String uid) {
        super(uid, Map.of("scoring.mode", "labels"), Map.of());
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
