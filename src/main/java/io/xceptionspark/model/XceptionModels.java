package io.xceptionspark.model;

import ai.djl.Model;
import io.xceptionspark.weights.KerasLayer;
import java.util.List;

/**
 * Builds ready-to-run Xception {@link Model}s on DJL's PyTorch engine: the network with its weights in
 * place and, by default, BatchNorms folded into the convolutions; in bfloat16, that folded network handed
 * to {@link Bfloat16Xception} (which always folds). The caller owns (and closes) the model.
 */
public final class XceptionModels {
    static final String ENGINE = "PyTorch";

    private XceptionModels() {}

    /** Keras' default initialisers from a seed: reproducible, but its labels mean nothing. */
    public static Model withRandomWeights(XceptionOptions options, long seed, boolean foldBatchNorm) {
        return withRandomWeights(options, seed, foldBatchNorm, Precision.FLOAT32);
    }

    /** {@link #withRandomWeights(XceptionOptions, long, boolean)} computing in the given precision. */
    public static Model withRandomWeights(XceptionOptions options, long seed, boolean foldBatchNorm,
                                          Precision precision) {
        return build(options, foldBatchNorm, precision, (network, model) ->
                network.initialiseRandom(seed, model.getNDManager()));
    }

    /**
     * With the weights of a Keras weights file (its layers with weights, in file order).
     *
     * @throws WeightsMismatchException naming the file and the first mismatching layer or shape
     */
    public static Model withKerasWeights(XceptionOptions options, List<KerasLayer> fileLayers, String fileName,
                                         boolean foldBatchNorm) {
        return withKerasWeights(options, fileLayers, fileName, foldBatchNorm, Precision.FLOAT32);
    }

    /** {@link #withKerasWeights(XceptionOptions, List, String, boolean)} computing in the given precision. */
    public static Model withKerasWeights(XceptionOptions options, List<KerasLayer> fileLayers, String fileName,
                                         boolean foldBatchNorm, Precision precision) {
        return build(options, foldBatchNorm, precision, (network, model) ->
                KerasWeightsImporter.importInto(network, fileLayers, fileName, model.getNDManager()));
    }

    private interface WeightsStep {
        void apply(XceptionNetwork network, Model model);
    }

    private static Model build(XceptionOptions options, boolean foldBatchNorm, Precision precision,
                               WeightsStep weights) {
        XceptionNetwork network = new XceptionNetwork(options);
        Model model = Model.newInstance("xception", ENGINE);
        try {
            model.setBlock(network);
            weights.apply(network, model);
            if (foldBatchNorm || precision == Precision.BFLOAT16) {
                network.foldBatchNorms(model.getNDManager());
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        if (precision == Precision.FLOAT32) {
            return model;
        }
        // the program keeps its own bfloat16 copies: the float32 weights go with this model
        try (Model float32 = model) {
            return Bfloat16Xception.compile(network);
        }
    }
}
