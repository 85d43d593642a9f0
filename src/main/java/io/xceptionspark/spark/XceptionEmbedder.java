package io.xceptionspark.spark;

import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer: 2048-d Xception embeddings for image file bytes, the job with
 * {@code scoring.mode = embeddings}; by default without the classifier ({@code model.include-top = false},
 * the notop weights), pooled by {@code model.pooling}. Adds status, error_code, error_message and embedding;
 * every other job key is a Param ({@link XceptionTransformer}).
 * <pre>
 * Dataset&lt;Row&gt; images = spark.read().format("binaryFile").load("/data/photos");
 * Dataset&lt;Row&gt; vectors = new XceptionEmbedder().setNormalizeEmbeddings(true).transform(images);
 * </pre>
 */
public final class XceptionEmbedder extends XceptionTransformer<XceptionEmbedder> {
    private static final long serialVersionUID = 1L;

    public XceptionEmbedder() {
        this(Identifiable.randomUID("xceptionEmbedder"));
    }

    public XceptionEmbedder(String uid) {
        super(uid, Map.of("scoring.mode", "embeddings"), Map.of("model.include-top", false));
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
