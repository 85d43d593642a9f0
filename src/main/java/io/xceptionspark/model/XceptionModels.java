package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds ready-to-run Xception {@link Model}s (Keras' and timm's aligned ones) on DJL's PyTorch engine: the network with its weights in
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

    /** A timm aligned Xception with seeded glorot-uniform kernels and identity BatchNorms (benchmarks, tests). */
    public static Model withRandomWeights(AlignedXception variant, XceptionOptions options, long seed,
                                          boolean foldBatchNorm) {
        AlignedXceptionNetwork network = new AlignedXceptionNetwork(variant, options);
        return build(variant.id(), network, foldBatchNorm, network::foldBatchNorms,
                model -> network.initialiseRandom(seed, model.getNDManager()));
    }

    /**
     * A timm aligned Xception with the weights of a timm {@code model.safetensors}, loaded strictly.
     *
     * @throws WeightsMismatchException naming the key and both shapes, or the architecture the file is for
     * @throws io.xceptionspark.weights.WeightsException if the file is not a readable safetensors file
     */
    public static Model withSafetensors(AlignedXception variant, XceptionOptions options, Path file,
                                        boolean foldBatchNorm) {
        AlignedXceptionNetwork network = new AlignedXceptionNetwork(variant, options);
        return build(variant.id(), network, foldBatchNorm, network::foldBatchNorms, model -> {
            try (NDManager scratch = model.getNDManager().newSubManager()) {
                TimmWeightsImporter.importInto(network, SafetensorsFile.read(file, scratch), file.toString(),
                        model.getNDManager());
            }
        });
    }

    private static Model build(String name, ai.djl.nn.Block network, boolean foldBatchNorm,
                               java.util.function.Consumer<NDManager> fold, java.util.function.Consumer<Model> weights) {
        Model model = Model.newInstance(name, ENGINE);
        try {
            model.setBlock(network);
            weights.accept(model);
            if (foldBatchNorm) {
                fold.accept(model.getNDManager());
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private interface WeightsStep {
        void apply(XceptionNetwork network, Model model);
    }

    private static Model build(XceptionOptions options, boolean foldBatchNorm, WeightsStep weights) {
        XceptionNetwork network = new XceptionNetwork(options);
        return build("xception", network, foldBatchNorm, network::foldBatchNorms,
                model -> weights.apply(network, model));
    }
}
