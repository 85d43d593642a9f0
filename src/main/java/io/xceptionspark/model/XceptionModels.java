package io.xceptionspark.model;

import ai.djl.Model;
import io.xceptionspark.weights.KerasLayer;
import java.util.List;

/**
 * Builds ready-to-run Xception {@link Model}s on DJL's PyTorch engine: the network with its weights in
 * place and, by default, BatchNorms folded into the convolutions. The caller owns (and closes) the model.
 */
public final class XceptionModels {
    static final String ENGINE = "PyTorch";

    private XceptionModels() {}

    /** Keras' default initialisers from a seed: reproducible, but its labels mean nothing. */
    public static Model withRandomWeights(XceptionOptions options, long seed, boolean foldBatchNorm) {
        return build(options, foldBatchNorm, (network, model) ->
                network.initialiseRandom(seed, model.getNDManager()));
    }

    /**
     * With the weights of a Keras weights file (its layers with weights, in file order).
     *
     * @throws WeightsMismatchException naming the file and the first mismatching layer or shape
     */
    public static Model withKerasWeights(XceptionOptions options, List<KerasLayer> fileLayers, String fileName,
                                         boolean foldBatchNorm) {
        return build(options, foldBatchNorm, (network, model) ->
                KerasWeightsImporter.importInto(network, fileLayers, fileName, model.getNDManager()));
    }

    private interface WeightsStep {
        void apply(XceptionNetwork network, Model model);
    }

    private static Model build(XceptionOptions options, boolean foldBatchNorm, WeightsStep weights) {
        XceptionNetwork network = new XceptionNetwork(options);
        Model model = Model.newInstance("xception", ENGINE);
        try {
            model.setBlock(network);
            weights.apply(network, model);
            if (foldBatchNorm) {
                network.foldBatchNorms(model.getNDManager());
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
