package io.xceptionspark.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Spark ML Transformer with every setting of the batch job, {@code scoring.mode} included (labels, embeddings,
 * or both from one forward pass: cheaper than an {@link XceptionLabeler} followed by an
 * {@link XceptionEmbedder}), all with the job's defaults. Built from a job file, it scores a DataFrame exactly
 * as {@code xception-spark score --job FILE} scores files: same columns, same values.
 * <pre>
 * XceptionScorer scorer = XceptionScorer.fromJob("jobs/classify.conf").setBatchSize(4);
 * Dataset&lt;Row&gt; scored = scorer.transform(spark.read().format("binaryFile").load("/data/photos"));
 * </pre>
 */
public final class XceptionScorer extends XceptionTransformer<XceptionScorer> {
    private static final long serialVersionUID = 1L;

    public XceptionScorer() {
        this(Identifiable.randomUID("xceptionScorer"));
    }

    public XceptionScorer(String uid) {
        super(uid, Map.of(), Map.of());
    }

    /**
     * A scorer with the model, preprocessing and scoring settings of a job file (over the bundled defaults; the
     * job's input, output and Spark settings do not apply to a DataFrame). The whole file is checked as the job
     * checks it.
     */
    public static XceptionScorer fromJob(String jobFile) {
        return new XceptionScorer().setFromJob(Path.of(jobFile));
    }

    /** scoring.mode: labels, embeddings or both. */
    public String getMode() {
        return (String) getConf("scoring.mode");
    }

    public XceptionScorer setMode(String value) {
        return setConf("scoring.mode", value);
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
