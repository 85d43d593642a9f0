package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds ready-to-run Xception {@link Model}s (Keras' and timm's aligned ones) on DJL's PyTorch engine: the
 * network with its weights in place; folded (the default, and always in bfloat16), its BatchNorms are folded into
 * the convolutions and the folded network runs as the shipped {@link NetworkProgram} in float32 or bfloat16;
 * unfolded, the float32 network runs op by op exactly as Keras computes it (the reference). The caller owns (and
 * closes) the model.
 */
public final class XceptionModels {
    static final String ENGINE = "PyTorch";

    private XceptionModels() {}

    /** Keras' default initialisers from a seed: reproducible, but its labels mean nothing. float32. */
    public static Model withRandomWeights(XceptionOptions options, long seed, boolean foldBatchNorm) {
        return withRandomWeights(options, seed, new RuntimeOptions(Precision.FLOAT32, foldBatchNorm));
    }

    /** {@link #withRandomWeights(XceptionOptions, long, boolean)} run as {@code runtime} says. */
    public static Model withRandomWeights(XceptionOptions options, long seed, RuntimeOptions runtime) {
        return build(options, runtime, (network, model) -> network.initialiseRandom(seed, model.getNDManager()));
    }

    /**
     * With the weights of a Keras weights file (its layers with weights, in file order).
     *
     * @throws WeightsMismatchException naming the file and the first mismatching layer or shape
     */
    public static Model withKerasWeights(XceptionOptions options, List<KerasLayer> fileLayers, String fileName,
                                         boolean foldBatchNorm) {
        return withKerasWeights(options, fileLayers, fileName, new RuntimeOptions(Precision.FLOAT32, foldBatchNorm));
    }

    /** {@link #withKerasWeights(XceptionOptions, List, String, boolean)} run as {@code runtime} says. */
    public static Model withKerasWeights(XceptionOptions options, List<KerasLayer> fileLayers, String fileName,
                                         RuntimeOptions runtime) {
        return build(options, runtime, (network, model) ->
                KerasWeightsImporter.importInto(network, fileLayers, fileName, model.getNDManager()));
    }

    /** A timm aligned Xception with seeded glorot-uniform kernels and identity BatchNorms (benchmarks, tests). */
    public static Model withRandomWeights(AlignedXception variant, XceptionOptions options, long seed,
                                          boolean foldBatchNorm) {
        return withRandomWeights(variant, options, seed, new RuntimeOptions(Precision.FLOAT32, foldBatchNorm));
    }

    /** {@link #withRandomWeights(AlignedXception, XceptionOptions, long, boolean)} run as {@code runtime} says. */
    public static Model withRandomWeights(AlignedXception variant, XceptionOptions options, long seed,
                                          RuntimeOptions runtime) {
        AlignedXceptionNetwork network = new AlignedXceptionNetwork(variant, options);
        return build(network, runtime, model -> network.initialiseRandom(seed, model.getNDManager()));
    }

    /**
     * A timm aligned Xception with the weights of a timm {@code model.safetensors}, loaded strictly.
     *
     * @throws WeightsMismatchException naming the key and both shapes, or the architecture the file is for
     * @throws io.xceptionspark.weights.WeightsException if the file is not a readable safetensors file
     */
    public static Model withSafetensors(AlignedXception variant, XceptionOptions options, Path file,
                                        boolean foldBatchNorm) {
        return withSafetensors(variant, options, file, new RuntimeOptions(Precision.FLOAT32, foldBatchNorm));
    }

    /** {@link #withSafetensors(AlignedXception, XceptionOptions, Path, boolean)} run as {@code runtime} says. */
    public static Model withSafetensors(AlignedXception variant, XceptionOptions options, Path file,
                                        RuntimeOptions runtime) {
        AlignedXceptionNetwork network = new AlignedXceptionNetwork(variant, options);
        return build(network, runtime, model -> {
            try (NDManager scratch = model.getNDManager().newSubManager()) {
                TimmWeightsImporter.importInto(network, SafetensorsFile.read(file, scratch), file.toString(),
                        model.getNDManager());
            }
        });
    }

    private interface WeightsStep {
        void apply(XceptionNetwork network, Model model);
    }

    /** Keras' network: the unfolded float32 reference, or its folded weights compiled into the program. */
    private static Model build(XceptionOptions options, RuntimeOptions runtime, WeightsStep weights) {
        XceptionNetwork network = new XceptionNetwork(options);
        Model model = build("xception", network, runtime.folded(), network::foldBatchNorms,
                m -> weights.apply(network, m));
        if (!runtime.folded()) {
            return model;
        }
        // the program keeps its own copies: the network's weights go with this model
        try (Model network32 = model) {
            return network.program().compile(programName("xception", runtime.precision()), options,
                    network.classifierWeights(), runtime.precision());
        }
    }

    /** timm's network: the unfolded float32 reference, or its folded weights compiled into the program. */
    private static Model build(AlignedXceptionNetwork network, RuntimeOptions runtime, Consumer<Model> weights) {
        String name = network.variant().id();
        Model model = build(name, network, runtime.folded(), network::foldBatchNorms, weights);
        if (!runtime.folded()) {
            return model;
        }
        try (Model network32 = model) {
            return network.program().compile(programName(name, runtime.precision()), network.options(),
                    network.classifierWeights(), runtime.precision());
        }
    }

    private static String programName(String architecture, Precision precision) {
        return precision == Precision.FLOAT32 ? architecture : architecture + "-" + precision.configName();
    }

    private static Model build(String name, ai.djl.nn.Block network, boolean foldBatchNorm,
                               Consumer<NDManager> fold, Consumer<Model> weights) {
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
}
